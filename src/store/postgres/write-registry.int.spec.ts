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
});
