import type pg from 'pg';
import type { RegistryEntry } from '../event-store.ts';
import { copyRows } from './copy-rows.ts';
import * as plans from './plans.ts';

export type RegistryChange = Omit<RegistryEntry, 'rawHash'>;

/**
 * Brings the registry up to the session's events, with the raw hashes of
 * the elements seen: those of new versions go in with them, those of
 * unchanged entities (another layout of the same content) are updated alone.
 */
export async function writeRegistry(
  client: pg.PoolClient,
  asOfIso: string,
  changes: ReadonlyMap<string, RegistryChange>,
  rawHashes: ReadonlyMap<string, string>,
): Promise<void> {
  if (changes.size > 0) {
    await client.query(plans.createRegistryChanges);
    await copyRows(
      client,
      plans.registryChangesTable,
      plans.registryChangeColumns,
      [...changes].map(([streamId, change]) => [
        streamId,
        change.id340B,
        change.ceId,
        change.contentHash,
        change.streamVersion,
        change.isCurrent ? 't' : 'f',
        asOfIso,
        rawHashes.get(streamId) ?? null,
      ]),
    );
    await client.query(plans.mergeRegistryChanges);
  }
  const rawOnly = [...rawHashes].filter(([streamId]) => !changes.has(streamId));
  if (rawOnly.length === 0) return;
  await client.query(plans.createRawHashChanges);
  await copyRows(client, plans.rawHashChangesTable, plans.rawHashChangeColumns, rawOnly);
  await client.query(plans.mergeRawHashChanges);
}
