import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';
import { registeredEvent, removedEvent } from '../../events/entity-events.ts';
import type { SnapshotIngestedV1 } from '../../events/event-types.ts';
import type { EventStore } from '../event-store.ts';
import { createPostgresEventStore } from './postgres-event-store.ts';

let database: Database;
let store: EventStore;

beforeAll(async () => {
  database = await createTestDatabase('store');
  store = createPostgresEventStore(database.pool);
});
afterAll(() => database.close());

const snapshot = (asOf: Date, sha256: string): SnapshotIngestedV1 => ({
  asOf: asOf.toISOString(),
  source: {
    kind: 'file',
    path: '/x.json',
    fileName: 'x.json',
    sizeBytes: 1,
    lastModified: asOf.toISOString(),
  },
  sha256,
  counts: { entities: 1, registered: 1, changed: 0, removed: 0, unchanged: 0, skipped: 0, duplicates: 0 },
  dataQualityProblemCount: 0,
  dataQuality: [],
  durationMs: 1,
});

describe('PostgreSQL event store', () => {
  it('makes nothing visible before commit and everything at once after', async () => {
    const asOf = new Date('2026-01-01T05:00:00Z');
    const session = await store.beginIngest({ asOf });
    await session.append([
      registeredEvent({ id340B: 'A', ceId: 1, streamVersion: 1 }, 'h1', '{"name":"a\\\\b\\ttab"}'),
      registeredEvent({ id340B: 'B', ceId: 2, streamVersion: 1 }, 'h2', '{"name":"b"}'),
    ]);
    expect(await store.readAll()).toEqual([]);
    const applied = await session.commit(snapshot(asOf, 'sha-1'));

    const events = await store.readAll();
    expect(events.map((event) => [event.type, event.streamId, event.streamVersion])).toEqual([
      ['CoveredEntityRegistered', 'coveredEntity-A.1', 1],
      ['CoveredEntityRegistered', 'coveredEntity-B.2', 1],
      ['SnapshotIngested', 'snapshot-2026-01-01T05:00:00.000Z', 1],
    ]);
    expect(events[0]?.data).toMatchObject({ entity: { name: 'a\\b\ttab' } });
    expect(events[0]?.metadata).toEqual({
      asOf: asOf.toISOString(),
      snapshotStream: 'snapshot-2026-01-01T05:00:00.000Z',
    });
    expect(applied.globalPosition).toBe(events[2]?.globalPosition);
    expect(await store.headPosition()).toBe(applied.globalPosition);
    expect((await store.listSnapshots()).map((s) => s.sha256)).toEqual(['sha-1']);
  });

  it('keeps the registry equal to the log, and discards what a session takes back', async () => {
    const asOf = new Date('2026-01-02T05:00:00Z');
    const session = await store.beginIngest({ asOf });
    const registry = await session.loadRegistry();
    expect(registry.get('coveredEntity-A.1')).toEqual({
      id340B: 'A',
      ceId: 1,
      contentHash: 'h1',
      streamVersion: 1,
      isCurrent: true,
    });
    expect(await session.readCurrentEntities([{ streamId: 'coveredEntity-B.2', streamVersion: 1 }])).toEqual(
      new Map([['coveredEntity-B.2', { name: 'b' }]]),
    );
    await session.append([
      removedEvent({ id340B: 'A', ceId: 1, streamVersion: 2 }, 'h1'),
      registeredEvent({ id340B: 'C', ceId: 3, streamVersion: 1 }, 'h3', '{}'),
    ]);
    await session.discard(['coveredEntity-C.3']);
    await session.commit(snapshot(asOf, 'sha-2'));

    const next = await store.beginIngest({ asOf: new Date('2026-01-03T00:00:00Z') });
    const after = await next.loadRegistry();
    await next.abort();
    expect(after.get('coveredEntity-A.1')).toMatchObject({
      streamVersion: 2,
      isCurrent: false,
      contentHash: 'h1',
    });
    expect(after.has('coveredEntity-C.3')).toBe(false);
    expect((await store.readStream('coveredEntity-C.3')).length).toBe(0);
    expect((await store.readStream('coveredEntity-A.1')).map((event) => event.type)).toEqual([
      'CoveredEntityRegistered',
      'CoveredEntityRemoved',
    ]);
  });

  it('leaves no trace of an aborted session', async () => {
    const head = await store.headPosition();
    const session = await store.beginIngest({ asOf: new Date('2026-01-04T00:00:00Z') });
    await session.append([registeredEvent({ id340B: 'D', ceId: 4, streamVersion: 1 }, 'h4', '{}')]);
    await session.abort();
    expect(await store.headPosition()).toBe(head);
    expect(await store.readStream('coveredEntity-D.4')).toEqual([]);
  });

  it('is single-writer: a second session waits, or is refused with no-wait', async () => {
    const first = await store.beginIngest({ asOf: new Date('2026-01-05T00:00:00Z') });
    await expect(
      store.beginIngest({ asOf: new Date('2026-01-05T00:00:00Z'), wait: false }),
    ).rejects.toMatchObject({
      code: 'INGEST_BUSY',
    });
    let secondStarted = false;
    const second = store.beginIngest({ asOf: new Date('2026-01-06T00:00:00Z') }).then((session) => {
      secondStarted = true;
      return session;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondStarted).toBe(false);
    await first.abort();
    await (await second).abort();
    expect(secondStarted).toBe(true);
  });

  it('refuses an append that reuses a stream version', async () => {
    const session = await store.beginIngest({ asOf: new Date('2026-01-07T00:00:00Z') });
    await expect(
      session.append([registeredEvent({ id340B: 'B', ceId: 2, streamVersion: 1 }, 'x', '{}')]),
    ).rejects.toMatchObject({ code: 'STREAM_VERSION_CONFLICT' });
    await session.abort();
  });
});
