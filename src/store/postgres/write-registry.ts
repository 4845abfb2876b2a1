import type pg from 'pg';
import type { ElementHashes, RegistryEntry } from '../event-store.ts';
import { copyRows } from './copy-rows.ts';
import * as plans from './plans.ts';

export type RegistryChange = Omit<RegistryEntry, keyof ElementHashes>;

/**
 * Brings the registry up to the session's events, with the hashes of the
 * elements seen (ElementHashes): those of new versions go in with them,
 * those of unchanged entities (another layout of the same content) are
 * updated alone.
 */
export async function writeRegistry(
  client: pg.PoolClient,
  asOfIso: string,
  changes: ReadonlyMap<string, RegistryChange>,
  hashes: ReadonlyMap<string, ElementHashes>,
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
        hashes.get(streamId)?.rawHash ?? null,
        hashes.get(streamId)?.layoutFreeHash ?? null,
      ]),
    );
    await client.query(plans.mergeRegistryChanges);
  }
  const hashesOnly = [...hashes]
    .filter(([streamId]) => !changes.has(streamId))
    .map(([streamId, { rawHash, layoutFreeHash }]) => [streamId, rawHash, layoutFreeHash ?? null]);
  if (hashesOnly.length === 0) return;
  await client.query(plans.createElementHashChanges);
  await copyRows(client, plans.elementHashChangesTable, plans.elementHashChangeColumns, hashesOnly);
  await client.query(plans.mergeElementHashChanges);
}
