import type { EventType, StoredEvent } from '../../events/event-types.ts';
import type { EventStoreReader } from '../event-store.ts';

/** Every event of the store (or of some types), in global order, read through the port a page at a time. */
export async function readWholeLog(
  store: EventStoreReader,
  types?: readonly EventType[],
): Promise<StoredEvent[]> {
  const log: StoredEvent[] = [];
  for (let after = 0; ; ) {
    const page = await store.readAll({ after, limit: 5000, ...(types ? { types } : {}) });
    if (page.length === 0) return log;
    log.push(...page);
    after = (page.at(-1) as StoredEvent).globalPosition;
  }
}
