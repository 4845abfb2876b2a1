import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buffer as readAll } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../test/support/api-server.ts';
import { runOpais } from '../../test/support/run-opais.ts';
import {
  coveredEntities,
  coveredEntity,
  tempDir,
  writeSnapshot,
} from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { ingestSnapshot } from '../ingest/ingest-snapshot.ts';
import { fileSource } from '../source/file-source.ts';
import { openExport } from './open-export.ts';

const dir = tempDir('opais-reconstruct-');
const base = coveredEntities(30);
const asOf = (n: number) => `2026-05-0${n}T05:00:00.000Z`;
/**
 * Day 1: 30 entities and a malformed one (skipped). Day 2: three removed,
 * five changed. Day 3: two of the removed registered again (one as it was,
 * one changed), one new, key order shuffled in another. Day 4: one more
 * removed, the re-registered one changed.
 */
const days: Record<number, unknown[]> = {
  1: [...base, { id340B: 'BROKEN' }],
  2: base
    .filter((_, i) => ![3, 4, 5].includes(i))
    .map((e, i) => (i < 5 ? { ...e, name: `CHANGED ${i}` } : e)),
  3: [
    ...base.filter((_, i) => ![5].includes(i)).map((e, i) => (i < 5 ? { ...e, name: `CHANGED ${i}` } : e)),
    coveredEntity('CH777777', 777),
  ].map((e, i) =>
    i === 4
      ? { ...e, name: 'BACK AND CHANGED' }
      : i === 9
        ? Object.fromEntries(Object.entries(e as object).reverse())
        : e,
  ),
  4: [
    ...base.filter((_, i) => ![5, 6].includes(i)).map((e, i) => (i < 5 ? { ...e, name: `CHANGED ${i}` } : e)),
    coveredEntity('CH777777', 777),
  ].map((e, i) => (i === 4 ? { ...e, name: 'BACK AND CHANGED AGAIN' } : e)),
};

let original: Database;

async function ingest(database: Database, file: string, at?: string) {
  return ingestSnapshot({
    store: database.store,
    source: fileSource(file),
    asOf: at === undefined ? undefined : new Date(at),
    allowMassRemoval: true,
    allowMassChange: true,
  });
}

/** Key → content hash of the entities current as of an instant: the latest event of each stream, unless a removal. */
async function contentHashes(database: Database, at: string) {
  const { rows } = await database.pool.query<{ key: string; hash: string }>(
    `select distinct on (stream_id) stream_id as key, event_type, data->>'contentHash' as hash
       from events where event_type <> 'SnapshotIngested' and as_of <= $1
      order by stream_id, global_position desc`,
    [at],
  );
  return Object.fromEntries(
    rows
      .filter((row) => (row as unknown as { event_type: string }).event_type !== 'CoveredEntityRemoved')
      .map((row) => [row.key, row.hash]),
  );
}

async function reconstruct(at: string) {
  const opened = await openExport(
    { pool: original.pool, store: original.store },
    {
      what: 'snapshot',
      asOf: at,
      places: { asOf: 'asOf', history: 'history', where: 'where', range: 'range' },
    },
  );
  return { fileName: opened.fileName, bytes: await readAll(opened.body) };
}

beforeAll(async () => {
  original = await createTestDatabase('recorig');
  for (const n of [1, 2, 3, 4])
    await ingest(original, writeSnapshot(dir, `day${n}.json`, days[n] as unknown[]), asOf(n));
}, 60_000);
afterAll(async () => {
  await original.close();
});

describe('opais export snapshot: the registry at an instant, from the events alone', () => {
  it('ingested into an empty store, each day gives exactly the content hashes of the original as of that day', async () => {
    for (const n of [1, 2, 3, 4]) {
      const { fileName, bytes } = await reconstruct(`2026-05-0${n}T12:00:00Z`);
      expect(fileName).toBe(`OPA_CE_DAILY_PUBLIC_2026050${n}T050000Z.JSON`);
      const document = JSON.parse(bytes.toString('utf8'));
      const fresh = await createTestDatabase('recnew');
      try {
        const file = path.join(dir, `reconstructed-${n}.json`);
        writeFileSync(file, bytes);
        const summary = await ingest(fresh, file, asOf(n));
        expect(summary.skipped).toBe(0);
        const want = await contentHashes(original, asOf(n));
        expect(await contentHashes(fresh, asOf(n))).toEqual(want);
        expect(document.coveredEntities).toHaveLength(Object.keys(want).length);
      } finally {
        await fresh.close();
      }
    }
    // the removed entity is gone on day 2 and back on day 3
    const ids = async (n: number) =>
      JSON.parse((await reconstruct(`2026-05-0${n}T12:00:00Z`)).bytes.toString()).coveredEntities.map(
        (entity: { id340B: string }) => entity.id340B,
      );
    expect(await ids(2)).not.toContain('DSH000004');
    expect(await ids(3)).toContain('DSH000004');
    expect(await ids(3)).toContain('DSH000005');
    expect(await ids(4)).not.toContain('DSH000007');
  }, 120_000);

  it('the CLI writes it, a bare date means the end of that day, and none exists before the first snapshot', async () => {
    const out = path.join(dir, 'cli-snapshot.JSON');
    const run = await runOpais(
      ['export', 'snapshot', '--as-of', '2026-05-02', '--out', out],
      envFor(original),
    );
    expect(run.code, run.stderr).toBe(0);
    const fresh = await createTestDatabase('reccli');
    try {
      const ingested = await runOpais(['ingest', out, '--as-of', asOf(2), '--json'], envFor(fresh));
      expect(ingested.code, ingested.stderr).toBe(0);
      expect(await contentHashes(fresh, asOf(2))).toEqual(await contentHashes(original, asOf(2)));
    } finally {
      await fresh.close();
    }
    const api = await startApi(original);
    try {
      const answer = await fetch(`${api.url}/exports/snapshot?asOf=2026-05-02`);
      expect(answer.headers.get('content-disposition')).toBe(
        'attachment; filename="OPA_CE_DAILY_PUBLIC_20260502T050000Z.JSON"',
      );
      expect(await answer.text()).toBe(readFileSync(out, 'utf8'));
    } finally {
      await api.close();
    }
    const early = await runOpais(['export', 'snapshot', '--as-of', '2026-04-30'], envFor(original));
    expect([early.code, early.stderr]).toEqual([1, expect.stringContaining('NOT_FOUND')]);
    const csv = await runOpais(['export', 'snapshot', '--format', 'csv'], envFor(original));
    expect(csv.stderr).toContain('INVALID_ARGUMENT');
  }, 120_000);
});
