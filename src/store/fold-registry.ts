import type { StoredEvent } from '../events/event-types.ts';
import type { RegistryChange } from './postgres/write-registry.ts';

/** A registry entry as a fold of the log gives it, with the as-of of the stream's last event. */
export type FoldedEntry = RegistryChange & { asOf: string };

/**
 * The registry entries that entity events imply, as an ingest writes them:
 * the last event of each stream wins (a removal keeps the hash it removed).
 * `opais verify` compares the registry with it; the KurrentDB store brings
 * its registry up to the log with it after a crash.
 */
export function foldRegistryChanges(
  events: readonly StoredEvent[],
  into: Map<string, FoldedEntry> = new Map(),
): Map<string, FoldedEntry> {
  for (const event of events) {
    if (event.type === 'SnapshotIngested') continue;
    const removed = event.type === 'CoveredEntityRemoved';
    into.set(event.streamId, {
      id340B: event.data.id340B,
      ceId: event.data.ceId,
      contentHash: removed ? event.data.previousContentHash : event.data.contentHash,
      streamVersion: event.streamVersion,
      isCurrent: !removed,
      asOf: event.asOf,
    });
  }
  return into;
}
