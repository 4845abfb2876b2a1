import { changedEvent, registeredEvent, removedEvent } from '../../src/events/entity-events.ts';
import { entityStreamId } from '../../src/events/stream-names.ts';
import { canonicalEntityJson } from '../../src/snapshot/canonicalise.ts';
import type { EventStoreWriter, NewEntityEvent } from '../../src/store/event-store.ts';
import { testSnapshot } from '../../src/store/testing/test-snapshot.ts';

/** An entity event as a projection test gives it; `entity` is in the export's shape and is canonicalised here. */
export type TestEvent =
  | { type: 'CoveredEntityRegistered' | 'CoveredEntityChanged'; entity: Record<string, unknown> }
  | { type: 'CoveredEntityRemoved'; id340B: string; ceId: number };

export const registered = (entity: Record<string, unknown>): TestEvent => ({
  type: 'CoveredEntityRegistered',
  entity,
});
export const changed = (entity: Record<string, unknown>): TestEvent => ({
  type: 'CoveredEntityChanged',
  entity,
});
export const removed = (id340B: string, ceId: number): TestEvent => ({
  type: 'CoveredEntityRemoved',
  id340B,
  ceId,
});

/**
 * Appends one snapshot's events through the store's port, the way an ingest
 * commits them (one session, entity events in the given order, then
 * SnapshotIngested with counts that match), so projection tests can state
 * their events exactly, including content an ingest would refuse (a flag
 * that is not TRUE/FALSE, an impossible date). Every event takes the next
 * version of its stream; content hashes are placeholders. Returns the
 * SnapshotIngested event's global position.
 */
export async function appendTestSnapshot(
  store: EventStoreWriter,
  asOf: string,
  events: readonly TestEvent[],
): Promise<number> {
  const at = new Date(asOf);
  const session = await store.beginIngest({ asOf: at });
  try {
    const registry = await session.loadRegistry();
    const counts = { registered: 0, changed: 0, removed: 0 };
    const appended: NewEntityEvent[] = events.map((event) => {
      const { id340B, ceId } =
        event.type === 'CoveredEntityRemoved' ? event : (event.entity as { id340B: string; ceId: number });
      const ref = {
        id340B,
        ceId,
        streamVersion: (registry.get(entityStreamId(id340B, ceId))?.streamVersion ?? 0) + 1,
      };
      if (event.type === 'CoveredEntityRemoved') {
        counts.removed += 1;
        return removedEvent(ref, 'test');
      }
      if (event.type === 'CoveredEntityRegistered') {
        counts.registered += 1;
        return registeredEvent(ref, 'test', Buffer.from(canonicalEntityJson(event.entity)));
      }
      counts.changed += 1;
      return changedEvent(ref, 'test', 'test', [], [], Buffer.from(canonicalEntityJson(event.entity)));
    });
    await session.append(appended);
    const sha256 = `test-${at.toISOString()}`;
    return (await session.commit(testSnapshot(at, sha256, { entities: events.length, ...counts })))
      .globalPosition;
  } catch (error) {
    await session.abort();
    throw error;
  }
}
