import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';
import { createRegistrySide } from './registry-side.ts';

describe('the KurrentDB store’s PostgreSQL side', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('regside');
  });
  afterAll(() => database.close());

  it('holds the schema’s ingest lock against itself and against the PostgreSQL store, until released', async () => {
    const side = createRegistrySide(database.pool);
    const locked = await side.lockIngest({ wait: false });
    await expect(side.lockIngest({ wait: false })).rejects.toMatchObject({ code: 'INGEST_BUSY' });
    await expect(database.store.beginIngest({ asOf: new Date(), wait: false })).rejects.toMatchObject({
      code: 'INGEST_BUSY',
    });
    const waiting = side.lockIngest({ wait: true });
    await locked.release();
    const next = await waiting;
    await next.release();
    const session = await database.store.beginIngest({ asOf: new Date(), wait: false });
    await session.abort();
  });

  it('writes one snapshot’s registry changes and element hashes, and reports the as-of it reflects', async () => {
    const locked = await createRegistrySide(database.pool).lockIngest({ wait: true });
    try {
      expect(await locked.registryAsOf()).toBeUndefined();
      const change = { id340B: 'A1', ceId: 1, contentHash: 'h1', streamVersion: 1, isCurrent: true };
      await locked.writeRegistry(
        '2026-01-01T05:00:00.000Z',
        new Map([['coveredEntity-A1.1', change]]),
        new Map([['coveredEntity-A1.1', { rawHash: 'raw1', layoutFreeHash: 'layout1' }]]),
      );
      await locked.writeRegistry(
        '2026-01-02T05:00:00.000Z',
        new Map([['coveredEntity-B2.2', { ...change, id340B: 'B2', ceId: 2 }]]),
        new Map([
          ['coveredEntity-A1.1', { rawHash: 'raw2' }],
          ['coveredEntity-B2.2', { rawHash: 'rawB', layoutFreeHash: 'layoutB' }],
        ]),
      );
      expect(await locked.loadRegistry()).toEqual(
        new Map([
          ['coveredEntity-A1.1', { ...change, rawHash: 'raw2' }],
          [
            'coveredEntity-B2.2',
            { ...change, id340B: 'B2', ceId: 2, rawHash: 'rawB', layoutFreeHash: 'layoutB' },
          ],
        ]),
      );
      expect((await locked.registryAsOf())?.toISOString()).toBe('2026-01-02T05:00:00.000Z');
    } finally {
      await locked.release();
    }
  });

  it('rewrites every row’s element hashes in place, as on a day HRSA re-renders the file (fillfactor 45)', async () => {
    const locked = await createRegistrySide(database.pool).lockIngest({ wait: true });
    try {
      const streams = Array.from({ length: 400 }, (_, k) => `coveredEntity-HOT${k}.${k}`);
      const hashes = (suffix: string) =>
        new Map(
          streams.map((stream) => [stream, { rawHash: `${stream}-raw-${suffix}`, layoutFreeHash: suffix }]),
        );
      const change = { id340B: 'X', ceId: 1, contentHash: 'h', streamVersion: 1, isCurrent: true };
      await locked.writeRegistry(
        '2026-02-01T05:00:00.000Z',
        new Map(streams.map((stream) => [stream, change])),
        hashes('a'),
      );
      // Each row's page: a heap-only update keeps the new version on it.
      const pages = async () =>
        (
          await database.pool.query<{ stream_id: string; page: string }>(
            "select stream_id, split_part(trim(both '()' from ctid::text), ',', 1) as page from entity_registry where stream_id like 'coveredEntity-HOT%' order by stream_id",
          )
        ).rows;
      const before = await pages();
      expect(new Set(before.map((row) => row.page)).size).toBeGreaterThan(1);
      await locked.writeRegistry('2026-02-02T05:00:00.000Z', new Map(), hashes('b'));
      expect(await pages()).toEqual(before);
      expect((await locked.loadRegistry()).get(streams[0] as string)).toMatchObject({ layoutFreeHash: 'b' });
    } finally {
      await locked.release();
    }
  });
});
