import type { StoredEvent } from '../../src/events/event-types.ts';
import type { EventStoreReader } from '../../src/store/event-store.ts';

/** A store's whole log as a copy must keep it, in order: every event but its position and the time it was written. */
export async function logOf(
  store: EventStoreReader,
): Promise<Omit<StoredEvent, 'globalPosition' | 'recordedAt'>[]> {
  return (await store.readAll({ limit: 1_000_000 })).map(
    ({ globalPosition: _, recordedAt: __, ...kept }) => kept,
  );
}
