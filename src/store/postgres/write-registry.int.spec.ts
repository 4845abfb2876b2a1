import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';
import { loadRegistry } from './load-registry.ts';
import { type RegistryChange, RegistryStage } from './write-registry.ts';

describe('the registry stage', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('regstage');
  });
  afterAll(() => database.close());

  const streamId = (n: number) => `coveredEntity-E${n}.${n}`;
  const change = (n: number, streamVersion = 1): RegistryChange => ({
    id340B: `E${n}`,
    ceId: n,
    contentHash: `h${n}-${streamVersion}`,
    streamVersion,
    isCurrent: true,
  });

  it('merges more rows than one COPY takes, staged a batch at a time, less what it was told to forget', async () => {
    // More than a staging COPY's worth (1,024 rows) and a COPY's most (8,192), so that rows staged, held and forgotten all meet.
    const streams = 10_000;
    const client = await database.pool.connect();
    try {
      await client.query('begin');
      const stage = new RegistryStage(client, '2026-03-01T05:00:00.000Z');
      for (let first = 0; first < streams; first += 100) {
        const batch = Array.from({ length: 100 }, (_, k) => first + k);
        await stage.stageChanges(batch.map((n) => [streamId(n), change(n)] as const));
        await stage.stageHashes(new Map(batch.map((n) => [streamId(n), { rawHash: `raw${n}` }])));
      }
      // Stream 7 gets a second version and new hashes; stream 8's key turned out to conflict.
      await stage.stageChanges([[streamId(7), change(7, 2)]]);
      await stage.stageHashes(new Map([[streamId(7), { rawHash: 'raw7b', layoutFreeHash: 'layout7b' }]]));
      await stage.forget([streamId(8)]);
      await stage.merge();
      await client.query('commit');
    } finally {
      client.release();
    }
    const client2 = await database.pool.connect();
    try {
      const registry = await loadRegistry(client2);
      expect(registry.size).toBe(streams - 1);
      expect(registry.get(streamId(0))).toEqual({ ...change(0), rawHash: 'raw0' });
      expect(registry.get(streamId(7))).toEqual({
        ...change(7, 2),
        rawHash: 'raw7b',
        layoutFreeHash: 'layout7b',
      });
      expect(registry.has(streamId(8))).toBe(false);
      expect(registry.get(streamId(streams - 1))).toEqual({
        ...change(streams - 1),
        rawHash: `raw${streams - 1}`,
      });
    } finally {
      client2.release();
    }
  });

  it('gives each stream its own hashes when new versions and hashes alone are merged together (a re-rendered day)', async () => {
    const merge = async (asOf: string, stageAll: (stage: RegistryStage) => Promise<void>) => {
      const client = await database.pool.connect();
      try {
        await client.query('begin');
        const stage = new RegistryStage(client, asOf);
        await stageAll(stage);
        await stage.merge();
        await client.query('commit');
      } finally {
        client.release();
      }
    };
    const ids = [20_001, 20_002, 20_003, 20_004];
    await merge('2026-03-01T05:00:00.000Z', async (stage) => {
      await stage.stageChanges(ids.map((n) => [streamId(n), change(n)] as const));
      await stage.stageHashes(
        new Map(ids.map((n) => [streamId(n), { rawHash: `raw${n}`, layoutFreeHash: `layout${n}` }])),
      );
    });
    await merge('2026-03-02T05:00:00.000Z', async (stage) => {
      // 20001: a new version with new hashes; 20002: new hashes only (laid out anew, recorded twice);
      // 20003: a new version and no hashes (its old ones stay); 20004: nothing.
      await stage.stageChanges([
        [streamId(20_001), change(20_001, 2)],
        [streamId(20_003), change(20_003, 2)],
      ]);
      await stage.stageHashes(new Map([[streamId(20_002), { rawHash: 'raw20002a' }]]));
      await stage.stageHashes(
        new Map([
          [streamId(20_001), { rawHash: 'raw20001b', layoutFreeHash: 'layout20001b' }],
          [streamId(20_002), { rawHash: 'raw20002b', layoutFreeHash: 'layout20002b' }],
        ]),
      );
    });
    const client = await database.pool.connect();
    try {
      const registry = await loadRegistry(client);
      expect(ids.map((n) => registry.get(streamId(n)))).toEqual([
        { ...change(20_001, 2), rawHash: 'raw20001b', layoutFreeHash: 'layout20001b' },
        { ...change(20_002), rawHash: 'raw20002b', layoutFreeHash: 'layout20002b' },
        { ...change(20_003, 2), rawHash: 'raw20003', layoutFreeHash: 'layout20003' },
        { ...change(20_004), rawHash: 'raw20004', layoutFreeHash: 'layout20004' },
      ]);
    } finally {
      client.release();
    }
  });
});
