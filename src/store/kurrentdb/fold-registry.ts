import type { StoredEvent } from '../../events/event-types.ts';
import type { RegistryChange } from '../postgres/write-registry.ts';

/**
 * The registry changes that entity events imply, as an ingest writes them:
 * the last event of each stream wins. Used to bring the registry up to the
 * log when a crash fell between a snapshot's marker and its registry write.
 */
export function foldRegistryChanges(events: readonly StoredEvent[]): Map<string, RegistryChange> {
  const changes = new Map<string, RegistryChange>();
  for (const event of events) {
    switch (event.type) {
      case 'CoveredEntityRegistered':
      case 'CoveredEntityChanged':
        changes.set(event.streamId, {
          id340B: event.data.id340B,
          ceId: event.data.ceId,
          contentHash: event.data.contentHash,
          streamVersion: event.streamVersion,
          isCurrent: true,
        });
        break;
      case 'CoveredEntityRemoved':
        changes.set(event.streamId, {
          id340B: event.data.id340B,
          ceId: event.data.ceId,
          contentHash: event.data.previousContentHash,
          streamVersion: event.streamVersion,
          isCurrent: false,
        });
        break;
      case 'SnapshotIngested':
        break;
    }
  }
  return changes;
}
