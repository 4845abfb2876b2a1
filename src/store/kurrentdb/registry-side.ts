import type { ElementHashes, EntityCounts, Registry } from '../event-store.ts';
import type { RegistryChange } from '../postgres/write-registry.ts';

/**
 * What the KurrentDB store keeps in PostgreSQL (implemented in
 * src/store/postgres/registry-side.ts, where its SQL lives): the
 * single-writer ingest lock and the registry with its raw hashes.
 */
export interface RegistrySide {
  /** Takes the schema's ingest lock (waiting for it unless `wait` is false: then INGEST_BUSY). */
  lockIngest(options: { wait: boolean }): Promise<LockedRegistry>;
  /** The registry's totals (no lock needed). */
  countEntities(): Promise<EntityCounts>;
}

export interface LockedRegistry {
  loadRegistry(): Promise<Registry>;
  /** The as-of of the newest registry row (undefined when empty). */
  registryAsOf(): Promise<Date | undefined>;
  /** Writes one snapshot's changes and element hashes in one transaction. */
  writeRegistry(
    asOfIso: string,
    changes: ReadonlyMap<string, RegistryChange>,
    hashes: ReadonlyMap<string, ElementHashes>,
  ): Promise<void>;
  /** Releases the lock. */
  release(): Promise<void>;
}
