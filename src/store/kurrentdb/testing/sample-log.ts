import type { AllStreamRecordedEvent, JSONEventData } from '@kurrent/kurrentdb-client';
import { changedEvent, registeredEvent, removedEvent } from '../../../events/entity-events.ts';
import type { StoredEvent } from '../../../events/event-types.ts';
import type { EventStore, NewEntityEvent } from '../../event-store.ts';
import { createMemoryEventStore } from '../../memory/memory-event-store.ts';
import { testSnapshot } from '../../testing/test-snapshot.ts';

export const day = (n: number) => new Date(Date.UTC(2026, 0, n, 5));

const ref = (id340B: string, ceId: number, streamVersion = 1) => ({ id340B, ceId, streamVersion });
const entityJson = (id340B: string, name: string) =>
  Buffer.from(JSON.stringify({ id340B, name, state: 'MD' }));

/** The snapshots of a small log: registrations, a change, a removal, an empty day, a late registration. */
export const sampleSnapshots: Array<{ asOf: Date; events: NewEntityEvent[] }> = [
  {
    asOf: day(1),
    events: [
      registeredEvent(ref('A1', 1), 'ha1', entityJson('A1', 'Alpha')),
      registeredEvent(ref('B2', 2), 'hb1', entityJson('B2', 'Beta')),
      registeredEvent(ref('C3', 3), 'hc1', entityJson('C3', 'Gamma')),
    ],
  },
  {
    asOf: day(2),
    events: [
      changedEvent(
        ref('A1', 1, 2),
        'ha2',
        'ha1',
        ['name'],
        [{ path: 'name', from: 'Alpha', to: 'Alpha Clinic' }],
        entityJson('A1', 'Alpha Clinic'),
      ),
      removedEvent(ref('B2', 2, 2), 'hb1'),
    ],
  },
  { asOf: day(3), events: [] },
  { asOf: day(4), events: [registeredEvent(ref('D4', 4), 'hd1', entityJson('D4', 'Delta'))] },
];

/** The sample log committed snapshot by snapshot into a memory store (a real implementation of the port). */
export async function sampleMemoryStore(): Promise<EventStore> {
  const store = createMemoryEventStore();
  for (const { asOf, events } of sampleSnapshots) await commitSnapshot(store, asOf, events);
  return store;
}

export async function commitSnapshot(store: EventStore, asOf: Date, events: readonly NewEntityEvent[]) {
  const session = await store.beginIngest({ asOf });
  await session.append(events);
  return session.commit(testSnapshot(asOf, `sha-${asOf.toISOString()}`));
}

export async function readEverything(store: EventStore): Promise<StoredEvent[]> {
  return store.readAll({ after: 0, limit: 1_000_000 });
}

/**
 * What KurrentDB hands back for an appended event (the client's shape): data
 * and metadata as the JSON the server stored, the 0-based revision, and
 * equal commit and prepare positions of a one-event append.
 */
export function asRecorded(
  written: JSONEventData,
  where: { streamId: string; streamVersion: number; position: number; created?: Date },
): AllStreamRecordedEvent {
  return {
    streamId: where.streamId,
    id: written.id,
    isJson: true,
    revision: BigInt(where.streamVersion - 1),
    type: written.type,
    created: where.created ?? new Date(),
    data: JSON.parse(JSON.stringify(written.data)),
    metadata: JSON.parse(JSON.stringify(written.metadata)),
    position: { commit: BigInt(where.position), prepare: BigInt(where.position) },
  } as AllStreamRecordedEvent;
}
