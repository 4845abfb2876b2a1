import { describe, expect, it } from 'vitest';
import { OpaisError } from '../../errors.ts';
import { changedEvent, registeredEvent } from '../../events/entity-events.ts';
import type { StoredEvent } from '../../events/event-types.ts';
import { snapshotStreamId } from '../../events/stream-names.ts';
import type { NewEntityEvent } from '../event-store.ts';
import { toEventData, toStoredEvent } from './map-event.ts';
import { asRecorded, commitSnapshot, day, readEverything, sampleMemoryStore } from './testing/sample-log.ts';
import { assertNothingInterrupted, visibleEvents } from './visibility.ts';

const log = { namespace: '' };

/** An event as KurrentDB would hold it once written by the KurrentDB session (position given). */
function written(event: NewEntityEvent, asOf: Date, position: number): StoredEvent {
  const data = toEventData(event, asOf.toISOString(), snapshotStreamId(asOf));
  return toStoredEvent(
    log,
    asRecorded(data, { streamId: event.streamId, streamVersion: event.streamVersion, position }),
  );
}

const day5 = [
  registeredEvent({ id340B: 'E5', ceId: 5, streamVersion: 1 }, 'he1', Buffer.from('{"id340B":"E5"}')),
  changedEvent(
    { id340B: 'A1', ceId: 1, streamVersion: 3 },
    'ha3',
    'ha2',
    ['state'],
    [],
    Buffer.from('{"id340B":"A1"}'),
  ),
  registeredEvent({ id340B: 'F6', ceId: 6, streamVersion: 1 }, 'hf1', Buffer.from('{"id340B":"F6"}')),
];

const identity = (event: StoredEvent) => [
  event.eventId,
  event.type,
  event.streamId,
  event.streamVersion,
  event.data,
];

describe('the KurrentDB visibility rule, against the memory store', () => {
  it('shows readers what the memory store shows, whatever an interrupted snapshot left beyond the head', async () => {
    const memory = await sampleMemoryStore();
    const committed = await readEverything(memory);
    const head = await memory.headPosition();
    // A crash during day 5's commit: two of its three events written, its marker not.
    const serverLog = [
      ...committed.map((event) =>
        toStoredEvent(
          log,
          asRecorded(
            toEventData(
              { ...event, data: Buffer.from(JSON.stringify(event.data)) },
              event.asOf,
              event.metadata.snapshotStream,
            ),
            { ...event, position: event.globalPosition, created: new Date(event.recordedAt) },
          ),
        ),
      ),
      written(day5[0] as NewEntityEvent, day(5), head + 10),
      written(day5[1] as NewEntityEvent, day(5), head + 20),
    ];
    for (const after of [0, ...committed.map((event) => event.globalPosition)]) {
      expect(visibleEvents(serverLog, after, head)).toEqual(
        await memory.readAll({ after, limit: 1_000_000 }),
      );
    }
  });

  it('lets the same snapshot complete what it left, and the result is what an uninterrupted ingest gives', async () => {
    const memory = await sampleMemoryStore();
    const head = await memory.headPosition();
    const pending = [
      written(day5[0] as NewEntityEvent, day(5), head + 10),
      written(day5[1] as NewEntityEvent, day(5), head + 20),
    ];
    expect(() => assertNothingInterrupted(pending, day(5))).not.toThrow();

    // The re-run writes all three again (the first two are recognised by their ids) and then the marker.
    const rerun = day5.map((event, index) => written(event, day(5), head + 30 + index));
    const serverLog = [
      ...pending,
      ...rerun.filter((event) => !pending.some((p) => p.eventId === event.eventId)),
    ];
    const marker = await commitSnapshot(memory, day(5), day5);
    const visible = visibleEvents(serverLog, head, head + 40);
    const uninterrupted = (await memory.readAll({ after: head, limit: 100 })).filter(
      (event) => event.globalPosition < marker.globalPosition,
    );
    expect(visible.map(identity)).toEqual(uninterrupted.map(identity));
  });

  it('refuses an ingest of another as-of while an interrupted snapshot waits, naming it', async () => {
    const memory = await sampleMemoryStore();
    const head = await memory.headPosition();
    const pending = [
      written(day5[0] as NewEntityEvent, day(5), head + 10),
      written(day5[1] as NewEntityEvent, day(5), head + 20),
    ];
    let refused: unknown;
    try {
      assertNothingInterrupted(pending, day(6));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(OpaisError);
    expect((refused as OpaisError).code).toBe('SNAPSHOT_INTERRUPTED');
    expect((refused as OpaisError).message).toMatch(
      /as of 2026-01-05T05:00:00.000Z was interrupted after 2 of its events .* before ingesting 2026-01-06/,
    );
    expect(() => assertNothingInterrupted([], day(6))).not.toThrow();
  });
});
