import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSeries } from '../../test/support/ingest-series.ts';
import { logOf } from '../../test/support/log-of.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { copyEvents } from './copy-events.ts';
import type { EventStore } from './event-store.ts';
import { createMemoryEventStore } from './memory/memory-event-store.ts';

async function registryOf(store: EventStore) {
  const session = await store.beginIngest({ asOf: new Date('2100-01-01T00:00:00Z') });
  try {
    const registry = await session.loadRegistry();
    // The element hashes are the reader's cache, not part of the log: a copy starts without them.
    for (const entry of registry.values()) {
      delete entry.rawHash;
      delete entry.layoutFreeHash;
    }
    return registry;
  } finally {
    await session.abort();
  }
}

describe('copyEvents from PostgreSQL', () => {
  let source: Database;
  let days: number;
  beforeAll(async () => {
    source = await createTestDatabase('copysrc');
    days = await ingestSeries(source.store, {
      seed: 'copy',
      entities: 60,
      days: 6,
      editRate: 0.2,
      addRate: 0.05,
      removeRate: 0.05,
      reappearRate: 0.1,
    });
  }, 120_000);
  afterAll(() => source.close());

  it('to the memory store, resumed after it was stopped, gives the same log, snapshots and registry', async () => {
    const target = createMemoryEventStore();
    const stopping = new AbortController();
    const first = await copyEvents(source.store, target, {
      signal: stopping.signal,
      pageSize: 25,
      onSnapshot: () => stopping.abort(),
    });
    expect(first).toMatchObject({ alreadyThere: 0, snapshots: 1 });
    expect(await target.listSnapshots()).toHaveLength(1);

    const second = await copyEvents(source.store, target, { pageSize: 25 });
    expect(second).toMatchObject({ alreadyThere: 1, snapshots: days - 1 });
    expect(first.events + second.events).toBe((await source.store.readAll({ limit: 1_000_000 })).length);
    expect(await logOf(target)).toEqual(await logOf(source.store));
    const snapshot = ({
      globalPosition: _,
      ingestedAt: __,
      ...kept
    }: {
      globalPosition: number;
      ingestedAt: Date;
    }) => kept;
    expect((await target.listSnapshots()).map(snapshot)).toEqual(
      (await source.store.listSnapshots()).map(snapshot),
    );
    expect(await registryOf(target)).toEqual(await registryOf(source.store));

    const again = await copyEvents(source.store, target);
    expect(again).toEqual({ alreadyThere: days, snapshots: 0, events: 0 });
  });

  it('refuses a target that holds another log, and leaves it as it was', async () => {
    const target = createMemoryEventStore();
    await ingestSeries(target, { seed: 'another', entities: 5, days: 1 });
    const before = await logOf(target);
    await expect(copyEvents(source.store, target)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/the target already holds another log: its snapshot #1/),
    });
    expect(await logOf(target)).toEqual(before);
  });
});
