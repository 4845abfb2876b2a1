import type { NewEntityEvent, RegistryEntry } from './event-store.ts';

/** A stream's registry entry once this event is appended (its raw hash is recorded apart). */
export function registryEntryAfter(event: NewEntityEvent): Omit<RegistryEntry, 'rawHash'> {
  return {
    id340B: event.id340B,
    ceId: event.ceId,
    contentHash: event.contentHash,
    streamVersion: event.streamVersion,
    isCurrent: event.type !== 'CoveredEntityRemoved',
  };
}
