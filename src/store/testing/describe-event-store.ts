import { describe, expect, it } from 'vitest';
import { changedEvent, registeredEvent, removedEvent } from '../../events/entity-events.ts';
import { deterministicEventId } from '../../events/event-id.ts';
import type { StoredEvent } from '../../events/event-types.ts';
import { snapshotStreamId } from '../../events/stream-names.ts';
import type { EventStore, NewEntityEvent } from '../event-store.ts';
import { testSnapshot } from './test-snapshot.ts';

/** A fresh, empty store for one case, and how to dispose of it. */
export type EventStoreFactory = () => Promise<{ store: EventStore; dispose(): Promise<void> }>;

/**
 * The contract every event-store backend passes (see the guarantees on
 * EventStore in src/store/event-store.ts). Each case gets a fresh store.
 * A backend that cannot run here (no server) passes `{ skip: reason }`:
 * every case is then reported as skipped, with the reason in its title.
 */
export function describeEventStore(name: string, factory: EventStoreFactory | { skip: string }): void {
  describe(`event store contract: ${name}`, () => {
    for (const [title, body] of Object.entries(cases)) {
      if ('skip' in factory) {
        it.skip(`${title} (skipped: ${factory.skip})`, () => {});
        continue;
      }
      it(title, async () => {
        const { store, dispose } = await factory();
        try {
          await body(store);
        } finally {
          await dispose();
        }
      });
    }
  });
}

const day = (n: number) => new Date(Date.UTC(2026, 0, n, 5));
const entity = (id340B: string, ceId: number, streamVersion = 1) => ({ id340B, ceId, streamVersion });
const registered = (id340B: string, ceId: number, name = id340B) =>
  registeredEvent(entity(id340B, ceId), `h-${name}`, Buffer.from(JSON.stringify({ id340B, ceId, name })));

/** Appends one snapshot's events and commits it; returns the SnapshotIngested position. */
async function commitSnapshot(store: EventStore, asOf: Date, events: readonly NewEntityEvent[]) {
  const session = await store.beginIngest({ asOf });
  await session.append(events);
  return (await session.commit(testSnapshot(asOf, `sha-${asOf.toISOString()}`))).globalPosition;
}

/** A's change of name, version 2. */
const changedA2 = () =>
  changedEvent(
    entity('A', 1, 2),
    'h2',
    'h-A',
    ['name'],
    [{ path: 'name', from: 'A', to: 'A2' }],
    Buffer.from('{"id340B":"A","ceId":1,"name":"A2"}'),
  );

async function readEverything(store: EventStore): Promise<StoredEvent[]> {
  return store.readAll({ after: 0, limit: 1_000_000 });
}

const cases: Record<string, (store: EventStore) => Promise<void>> = {
  async 'appends a snapshot and reads it back in global order, SnapshotIngested last'(store) {
    const asOf = day(1);
    const position = await commitSnapshot(store, asOf, [registered('A', 1), registered('B', 2)]);
    const events = await readEverything(store);
    expect(events.map((event) => [event.type, event.streamId, event.streamVersion])).toEqual([
      ['CoveredEntityRegistered', 'coveredEntity-A.1', 1],
      ['CoveredEntityRegistered', 'coveredEntity-B.2', 1],
      ['SnapshotIngested', snapshotStreamId(asOf), 1],
    ]);
    const positions = events.map((event) => event.globalPosition);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(3);
    expect(events.at(-1)?.globalPosition).toBe(position);
    expect(events[0]).toMatchObject({
      asOf: asOf.toISOString(),
      schemaVersion: 1,
      data: { id340B: 'A', ceId: 1, contentHash: 'h-A', entity: { id340B: 'A', ceId: 1, name: 'A' } },
      metadata: { asOf: asOf.toISOString(), snapshotStream: snapshotStreamId(asOf) },
    });
    expect(events.at(-1)?.data).toMatchObject({ sha256: `sha-${asOf.toISOString()}` });
    expect((await store.readStream('coveredEntity-B.2')).map((event) => event.globalPosition)).toEqual([
      positions[1],
    ]);
    expect(await store.readAll({ after: positions[0], limit: 1 })).toEqual([events[1]]);
    expect(
      (await store.readAll({ types: ['SnapshotIngested'] })).map((event) => event.globalPosition),
    ).toEqual([position]);
  },

  async 'gives deterministic event ids, so a retried snapshot writes the same ids'(store) {
    const asOf = day(1);
    const first = await store.beginIngest({ asOf });
    await first.append([registered('A', 1)]);
    await first.abort();
    await commitSnapshot(store, asOf, [registered('A', 1)]);
    const [event, marker] = await readEverything(store);
    const stream = snapshotStreamId(asOf);
    expect(event?.eventId).toBe(deterministicEventId(stream, 'coveredEntity-A.1', 1));
    expect(marker?.eventId).toBe(deterministicEventId(stream, stream, 1));
  },

  async 'refuses an append that takes a stream version already taken, and keeps the store as it was'(store) {
    await commitSnapshot(store, day(1), [registered('A', 1)]);
    const head = await store.headPosition();
    const session = await store.beginIngest({ asOf: day(2) });
    await expect(session.append([registered('A', 1, 'again')])).rejects.toMatchObject({
      code: 'STREAM_VERSION_CONFLICT',
    });
    await session.abort();
    expect(await store.headPosition()).toBe(head);
    expect((await store.readStream('coveredEntity-A.1')).map((event) => event.streamVersion)).toEqual([1]);
    // The next version is free.
    await commitSnapshot(store, day(3), [changedA2()]);
    expect((await store.readStream('coveredEntity-A.1')).map((event) => event.streamVersion)).toEqual([1, 2]);
  },

  async "shows a snapshot's events whole or not at all"(store) {
    await commitSnapshot(store, day(1), [registered('A', 1)]);
    const head = await store.headPosition();
    const session = await store.beginIngest({ asOf: day(2) });
    await session.append([registered('B', 2), registered('C', 3)]);
    expect(await store.headPosition()).toBe(head);
    expect(await store.readAll({ after: head })).toEqual([]);
    expect(await store.readStream('coveredEntity-B.2')).toEqual([]);
    expect(await collect(store.readEntityChanges({ after: head, until: Number.MAX_SAFE_INTEGER }))).toEqual(
      [],
    );
    expect(await store.listSnapshots()).toHaveLength(1);
    const applied = await session.commit(testSnapshot(day(2), 'sha-2'));
    const after = await store.readAll({ after: head });
    expect(after.map((event) => event.streamId)).toEqual([
      'coveredEntity-B.2',
      'coveredEntity-C.3',
      snapshotStreamId(day(2)),
    ]);
    expect(await store.headPosition()).toBe(applied.globalPosition);
  },

  async 'leaves no trace of a session that ended mid-append'(store) {
    await commitSnapshot(store, day(1), [registered('A', 1)]);
    const before = await readEverything(store);
    const session = await store.beginIngest({ asOf: day(2) });
    await session.append([registered('B', 2), removedEvent(entity('A', 1, 2), 'h-A')]);
    await session.abort();
    expect(await readEverything(store)).toEqual(before);
    expect(await store.listSnapshots()).toHaveLength(1);
    const next = await store.beginIngest({ asOf: day(2) });
    expect([...(await next.loadRegistry()).keys()]).toEqual(['coveredEntity-A.1']);
    // The versions the aborted session took are free again.
    await next.append([registered('B', 2), removedEvent(entity('A', 1, 2), 'h-A')]);
    await next.commit(testSnapshot(day(2), 'sha-2'));
    expect((await store.readStream('coveredEntity-A.1')).map((event) => event.type)).toEqual([
      'CoveredEntityRegistered',
      'CoveredEntityRemoved',
    ]);
  },

  async 'keeps the registry equal to the log, with raw hashes, and discards what a session takes back'(
    store,
  ) {
    await commitSnapshot(store, day(1), [registered('A', 1), registered('B', 2)]);
    const session = await store.beginIngest({ asOf: day(2) });
    expect((await session.loadRegistry()).get('coveredEntity-A.1')).toEqual({
      id340B: 'A',
      ceId: 1,
      contentHash: 'h-A',
      streamVersion: 1,
      isCurrent: true,
    });
    expect(await session.readCurrentEntities([{ streamId: 'coveredEntity-B.2', streamVersion: 1 }])).toEqual(
      new Map([['coveredEntity-B.2', { id340B: 'B', ceId: 2, name: 'B' }]]),
    );
    await session.append([removedEvent(entity('A', 1, 2), 'h-A'), registered('C', 3)]);
    await session.discard(['coveredEntity-C.3']);
    await session.recordElementHashes(
      new Map([
        ['coveredEntity-B.2', { rawHash: 'raw-B', layoutFreeHash: 'layout-B' }],
        ['coveredEntity-A.1', { rawHash: 'raw-A' }],
      ]),
    );
    await session.commit(testSnapshot(day(2), 'sha-2'));
    const next = await store.beginIngest({ asOf: day(3) });
    const registry = await next.loadRegistry();
    expect(registry.get('coveredEntity-A.1')).toEqual({
      id340B: 'A',
      ceId: 1,
      contentHash: 'h-A',
      streamVersion: 2,
      isCurrent: false,
      rawHash: 'raw-A',
    });
    expect(registry.get('coveredEntity-B.2')).toMatchObject({
      streamVersion: 1,
      rawHash: 'raw-B',
      layoutFreeHash: 'layout-B',
    });
    expect(registry.has('coveredEntity-C.3')).toBe(false);
    // Recorded hashes replace an entry's: a layout-free hash not given is gone.
    await next.recordElementHashes(new Map([['coveredEntity-B.2', { rawHash: 'raw-B3' }]]));
    await next.commit(testSnapshot(day(3), 'sha-3'));
    const third = await store.beginIngest({ asOf: day(4) });
    const after = (await third.loadRegistry()).get('coveredEntity-B.2');
    await third.abort();
    expect(after).toEqual({
      id340B: 'B',
      ceId: 2,
      contentHash: 'h-B',
      streamVersion: 1,
      isCurrent: true,
      rawHash: 'raw-B3',
    });
    expect(await store.readStream('coveredEntity-C.3')).toEqual([]);
  },

  async 'records element hashes as they come: the last recorded wins, and a discarded stream keeps its own'(
    store,
  ) {
    await commitSnapshot(store, day(1), [registered('A', 1), registered('B', 2)]);
    const session = await store.beginIngest({ asOf: day(2) });
    await session.recordElementHashes(new Map([['coveredEntity-A.1', { rawHash: 'raw-A1' }]]));
    await session.append([registered('C', 3)]);
    await session.recordElementHashes(
      new Map([
        ['coveredEntity-A.1', { rawHash: 'raw-A2', layoutFreeHash: 'layout-A2' }],
        ['coveredEntity-B.2', { rawHash: 'raw-B' }],
        ['coveredEntity-C.3', { rawHash: 'raw-C' }],
      ]),
    );
    await session.append([registered('D', 4)]);
    await session.recordElementHashes(new Map([['coveredEntity-D.4', { rawHash: 'raw-D' }]]));
    // B's element and C's key were found to conflict later in the file.
    await session.discard(['coveredEntity-B.2', 'coveredEntity-C.3']);
    await session.commit(testSnapshot(day(2), 'sha-2'));
    const next = await store.beginIngest({ asOf: day(3) });
    const registry = await next.loadRegistry();
    await next.abort();
    expect(registry.get('coveredEntity-A.1')).toMatchObject({
      rawHash: 'raw-A2',
      layoutFreeHash: 'layout-A2',
    });
    expect(registry.get('coveredEntity-B.2')).toEqual({
      id340B: 'B',
      ceId: 2,
      contentHash: 'h-B',
      streamVersion: 1,
      isCurrent: true,
    });
    expect(registry.has('coveredEntity-C.3')).toBe(false);
    expect(registry.get('coveredEntity-D.4')).toMatchObject({ streamVersion: 1, rawHash: 'raw-D' });
  },

  async 'counts current and removed entities as the last snapshot left them'(store) {
    expect(await store.countEntities()).toEqual({ current: 0, removed: 0 });
    await commitSnapshot(store, day(1), [registered('A', 1), registered('B', 2), registered('C', 3)]);
    await commitSnapshot(store, day(2), [removedEvent(entity('A', 1, 2), 'h-A')]);
    const aborted = await store.beginIngest({ asOf: day(3) });
    await aborted.append([removedEvent(entity('B', 2, 2), 'h-B')]);
    await aborted.abort();
    expect(await store.countEntities()).toEqual({ current: 2, removed: 1 });
  },

  async 'lists snapshots, finds one by SHA-256 and reports the head'(store) {
    expect(await store.headPosition()).toBe(0);
    expect(await store.listSnapshots()).toEqual([]);
    expect(await store.lastSnapshot()).toBeUndefined();
    const first = await commitSnapshot(store, day(1), [registered('A', 1)]);
    const second = await commitSnapshot(store, day(2), []);
    expect(await store.headPosition()).toBe(second);
    const snapshots = await store.listSnapshots();
    expect(snapshots.map((snapshot) => [snapshot.asOf.toISOString(), snapshot.globalPosition])).toEqual([
      [day(1).toISOString(), first],
      [day(2).toISOString(), second],
    ]);
    expect(snapshots[0]).toMatchObject({
      sha256: `sha-${day(1).toISOString()}`,
      source: { kind: 'file', fileName: 'x.json' },
      counts: { entities: 0 },
      dataQualityProblemCount: 0,
      durationMs: 1,
    });
    expect(snapshots[0]?.ingestedAt).toBeInstanceOf(Date);
    expect((await store.lastSnapshot())?.globalPosition).toBe(second);
    expect((await store.findSnapshotBySha256(`sha-${day(1).toISOString()}`))?.globalPosition).toBe(first);
    expect(await store.findSnapshotBySha256('unknown')).toBeUndefined();
    const session = await store.beginIngest({ asOf: day(3) });
    expect((await session.findSnapshotBySha256(`sha-${day(2).toISOString()}`))?.globalPosition).toBe(second);
    expect((await session.lastSnapshot())?.asOf).toEqual(day(2));
    await session.abort();
  },

  async 'is single-writer: a second session waits, or is refused without waiting'(store) {
    const first = await store.beginIngest({ asOf: day(1) });
    await expect(store.beginIngest({ asOf: day(1), wait: false })).rejects.toMatchObject({
      code: 'INGEST_BUSY',
    });
    let secondStarted = false;
    const second = store.beginIngest({ asOf: day(2) }).then((session) => {
      secondStarted = true;
      return session;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondStarted).toBe(false);
    await first.abort();
    await (await second).abort();
    expect(secondStarted).toBe(true);
  },

  async 'never lets a paging reader skip or repeat an event while snapshots commit'(store) {
    const snapshots = 6;
    const readers = 3;
    const writing = (async () => {
      for (let n = 1; n <= snapshots; n++) {
        await commitSnapshot(store, day(n), [registered(`E${n}`, n), registered(`F${n}`, n)]);
      }
    })();
    let done = false;
    void writing.finally(() => {
      done = true;
    });
    const read = async () => {
      const seen: number[] = [];
      for (;;) {
        const finished = done;
        const page = await store.readAll({ after: seen.at(-1) ?? 0, limit: 2 });
        seen.push(...page.map((event) => event.globalPosition));
        if (finished && page.length === 0) return seen;
        if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    const seen = await Promise.all(Array.from({ length: readers }, read));
    await writing;
    const all = (await readEverything(store)).map((event) => event.globalPosition);
    expect(all).toHaveLength(snapshots * 3);
    for (const positions of seen) expect(positions).toEqual(all);
  },

  async "hands over each stream's last entity event of a range, in chunks"(store) {
    const first = await commitSnapshot(store, day(1), [registered('A', 1), registered('B', 2)]);
    // Two events of one stream in one snapshot: only the last is the snapshot's end state.
    const second = await commitSnapshot(store, day(2), [
      changedA2(),
      registered('C', 3),
      removedEvent(entity('A', 1, 3), 'h2'),
      registered('D', 4),
    ]);
    const everything = await readEverything(store);
    const position = (streamId: string, version: number) =>
      everything.find((event) => event.streamId === streamId && event.streamVersion === version)
        ?.globalPosition;
    const chunks = await collect(store.readEntityChanges({ after: first, until: second }, { maxEvents: 2 }));
    expect(chunks.map((chunk) => chunk.map((event) => [event.streamId, event.type]))).toEqual([
      [
        ['coveredEntity-C.3', 'CoveredEntityRegistered'],
        ['coveredEntity-A.1', 'CoveredEntityRemoved'],
      ],
      [['coveredEntity-D.4', 'CoveredEntityRegistered']],
    ]);
    expect(chunks[0]?.[1]).toEqual({
      position: position('coveredEntity-A.1', 3),
      type: 'CoveredEntityRemoved',
      schemaVersion: 1,
      streamId: 'coveredEntity-A.1',
      streamVersion: 3,
      data: { id340B: 'A', ceId: 1, previousContentHash: 'h2' },
    });
    const day1 = await collect(store.readEntityChanges({ after: 0, until: first }));
    expect(day1.flat().map((event) => event.data)).toEqual([
      { id340B: 'A', ceId: 1, contentHash: 'h-A', entity: { id340B: 'A', ceId: 1, name: 'A' } },
      { id340B: 'B', ceId: 2, contentHash: 'h-B', entity: { id340B: 'B', ceId: 2, name: 'B' } },
    ]);
    // Stopping early is allowed and leaves the store usable.
    for await (const _chunk of store.readEntityChanges({ after: first, until: second }, { maxEvents: 1 }))
      break;
    expect(await store.headPosition()).toBe(second);
  },

  async 'reads the change detail when asked, and the entity states an upcast needs'(store) {
    await commitSnapshot(store, day(1), [registered('A', 1)]);
    await commitSnapshot(store, day(2), [changedA2()]);
    await commitSnapshot(store, day(3), [removedEvent(entity('A', 1, 3), 'h2')]);
    const detailed = await store.readAll({ limit: 100, detail: true, types: ['CoveredEntityChanged'] });
    expect(detailed.map((event) => event.type === 'CoveredEntityChanged' && event.data.changes)).toEqual([
      [{ path: 'name', from: 'A', to: 'A2' }],
    ]);
    const stream = await store.readStream('coveredEntity-A.1', { detail: true });
    expect(stream.map((event) => [event.type, event.schemaVersion])).toEqual([
      ['CoveredEntityRegistered', 1],
      ['CoveredEntityChanged', 2],
      ['CoveredEntityRemoved', 1],
    ]);
    const chunks = await collect(
      store.readEntityChanges({ after: 0, until: await store.headPosition() }, { detail: true }),
    );
    expect(chunks.flat().map((event) => [event.streamVersion, event.data.changes ?? null])).toEqual([
      [3, null],
    ]);
    // A removal carries no entity: its version is left out.
    const states = await store.readEntityStates(
      [1, 2, 3].map((streamVersion) => ({ streamId: 'coveredEntity-A.1', streamVersion })),
    );
    expect([...states]).toEqual([
      ['1@coveredEntity-A.1', { id340B: 'A', ceId: 1, name: 'A' }],
      ['2@coveredEntity-A.1', { id340B: 'A', ceId: 1, name: 'A2' }],
    ]);
  },

  async 'wakes a subscriber when a snapshot commits'(store) {
    let commits = 0;
    let wake: () => void = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const subscription = await store.subscribe({
      onCommit: () => {
        commits += 1;
        wake();
      },
      onLost: () => {},
    });
    try {
      await commitSnapshot(store, day(1), [registered('A', 1)]);
      await withTimeout(woken, 5000, 'no wake-up within 5 s of a commit');
      expect(commits).toBeGreaterThanOrEqual(1);
    } finally {
      await subscription.close();
    }
    const after = commits;
    await commitSnapshot(store, day(2), []);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(commits).toBe(after);
  },
};

async function collect<T>(chunks: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
