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
      changeRows(asOfIso, changes, hashes),
    );
    await client.query(plans.mergeRegistryChanges);
  }
  let hashesOnly = 0;
  for (const streamId of hashes.keys()) if (!changes.has(streamId)) hashesOnly += 1;
  if (hashesOnly === 0) return;
  await client.query(plans.createElementHashChanges);
  await copyRows(
    client,
    plans.elementHashChangesTable,
    plans.elementHashChangeColumns,
    hashOnlyRows(changes, hashes),
  );
  await client.query(plans.mergeElementHashChanges);
}

/** Made as COPY takes them, not held all at once (a day 0 changes 90,000 streams). */
function* changeRows(
  asOfIso: string,
  changes: ReadonlyMap<string, RegistryChange>,
  hashes: ReadonlyMap<string, ElementHashes>,
) {
  for (const [streamId, change] of changes) {
    const elementHashes = hashes.get(streamId);
    yield [
      streamId,
      change.id340B,
      change.ceId,
      change.contentHash,
      change.streamVersion,
      change.isCurrent ? 't' : 'f',
      asOfIso,
      elementHashes?.rawHash ?? null,
      elementHashes?.layoutFreeHash ?? null,
    ];
  }
}

function* hashOnlyRows(
  changes: ReadonlyMap<string, RegistryChange>,
  hashes: ReadonlyMap<string, ElementHashes>,
) {
  for (const [streamId, { rawHash, layoutFreeHash }] of hashes)
    if (!changes.has(streamId)) yield [streamId, rawHash, layoutFreeHash ?? null];
}
