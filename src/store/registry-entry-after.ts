import type { NewEntityEvent } from './event-store.ts';
import type { RegistryChange } from './postgres/write-registry.ts';

/** A stream's registry entry once this event is appended (its element's hashes are recorded apart). */
export function registryEntryAfter(event: NewEntityEvent): RegistryChange {
  return {
    id340B: event.id340B,
    ceId: event.ceId,
    contentHash: event.contentHash,
    streamVersion: event.streamVersion,
    isCurrent: event.type !== 'CoveredEntityRemoved',
  };
}
