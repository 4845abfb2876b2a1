import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { runOpais } from '../../test/support/run-opais.ts';
import { createBucket, putObject, snapshotJson, zipOf } from '../../test/support/s3-fixtures.ts';
import {
  coveredEntities,
  coveredEntity,
  tempDir,
  writeSnapshot,
} from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { createS3Client } from '../source/s3-client.ts';

/** Day n's export: 30 entities, a few renamed each day, one removed from day 3 on, one re-registered on day 5. */
function day(n: number): unknown[] {
  return coveredEntities(30)
    .filter((entity) => !(n >= 3 && n < 5 && entity.ceId === 7))
    .map((entity) =>
      // 1 in 10 renamed a day: two days apart in 20% of the entities, within the mass-change guard.
      (entity.ceId as number) % 10 === n % 10 ? { ...entity, name: `RENAMED ON DAY ${n}` } : entity,
    )
    .concat(n >= 2 ? [coveredEntity('CH100000', 100_000, { name: `CLINIC ${n}` })] : []);
}

async function snapshotsOf(database: Database) {
  const snapshots = await database.store.listSnapshots();
  return snapshots.map((snapshot) => [
    snapshot.asOf.toISOString(),
    snapshot.source.kind === 'file' ? snapshot.source.fileName : undefined,
  ]);
}

function jsonLines(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase('bf');
});
afterAll(async () => {
  await database.close();
});

describe('opais ingest <folder>: backfill', () => {
  const dir = tempDir('opais-backfill-');
  mkdirSync(path.join(dir, '2026', '11', '03'), { recursive: true });
  writeSnapshot(dir, 'OPA_CE_DAILY_PUBLIC-2026-11-02.JSON', day(2));
  writeSnapshot(dir, 'opa_ce_20261101.json', day(1));
  writeSnapshot(dir, '2026/11/03/OPA_CE_DAILY_PUBLIC.JSON', day(3));
  writeSnapshot(dir, 'OPA_CE_DAILY_PUBLIC_20261104T050000Z.JSON', day(4));
  const undated = writeSnapshot(dir, 'latest.json', day(5));
  utimesSync(undated, new Date('2026-11-05T06:00:00Z'), new Date('2026-11-05T06:00:00Z'));
  writeFileSync(path.join(dir, 'README.txt'), 'not an export');

  it('loads every export in as-of order (date in the name or folders, else last-modified), one JSON summary a file, then a total', async () => {
    const refused = await runOpais(['ingest', dir, '--as-of', '2026-11-01'], envFor(database));
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('INVALID_ARGUMENT')]);

    const run = await runOpais(['ingest', dir, '--json'], envFor(database));
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(
      lines.slice(0, -1).map((line) => [path.basename(line.file), line.outcome, line.asOf, line.asOfFrom]),
    ).toEqual([
      ['opa_ce_20261101.json', 'applied', '2026-11-01T00:00:00.000Z', 'name'],
      ['OPA_CE_DAILY_PUBLIC-2026-11-02.JSON', 'applied', '2026-11-02T00:00:00.000Z', 'name'],
      ['OPA_CE_DAILY_PUBLIC.JSON', 'applied', '2026-11-03T00:00:00.000Z', 'name'],
      ['OPA_CE_DAILY_PUBLIC_20261104T050000Z.JSON', 'applied', '2026-11-04T05:00:00.000Z', 'name'],
      ['latest.json', 'applied', '2026-11-05T06:00:00.000Z', 'lastModified'],
    ]);
    expect(lines[2]).toMatchObject({ removed: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(lines.at(-1)).toMatchObject({
      total: true,
      files: 5,
      applied: 5,
      alreadyApplied: 0,
      olderThanHead: 0,
      entities: 30 + 31 + 30 + 30 + 31,
    });
    expect((await snapshotsOf(database)).map(([asOf]) => asOf)).toEqual(
      lines.slice(0, -1).map((line) => line.asOf),
    );

    // projected once, at the end: every projector is at the last snapshot
    const { rows } = await database.pool.query<{ position: number }>(
      'select distinct position from projector_checkpoints',
    );
    const last = await database.store.lastSnapshot();
    expect(rows.map((row) => Number(row.position))).toEqual([last?.globalPosition]);
  }, 120_000);

  it('run again: every file already applied (by SHA-256), nothing appended; an older new file is reported and skipped', async () => {
    const before = await snapshotsOf(database);
    writeSnapshot(dir, 'OPA_CE_DAILY_PUBLIC-2026-10-31.JSON', day(0));
    writeSnapshot(dir, 'OPA_CE_DAILY_PUBLIC-2026-11-06.JSON', day(6));
    const run = await runOpais(['ingest', dir, '--json'], envFor(database));
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((line) => line.outcome ?? 'total')).toEqual([
      'olderThanHead',
      'alreadyApplied',
      'alreadyApplied',
      'alreadyApplied',
      'alreadyApplied',
      'alreadyApplied',
      'applied',
      'total',
    ]);
    expect(lines.at(-1)).toMatchObject({ files: 7, applied: 1, alreadyApplied: 5, olderThanHead: 1 });
    expect(await snapshotsOf(database)).toEqual([
      ...before,
      ['2026-11-06T00:00:00.000Z', 'OPA_CE_DAILY_PUBLIC-2026-11-06.JSON'],
    ]);
    const human = await runOpais(['ingest', dir], envFor(database));
    expect(human.stdout).toContain("older than the log's head, skipped");
    expect(human.stdout).toContain('backfill: 7 file(s): 0 applied, 6 already applied, 1 older');
  }, 120_000);

  it('an unreadable file stops the run at that file, the files before it applied, the message naming it', async () => {
    const other = await createTestDatabase('bfbad');
    try {
      const bad = tempDir('opais-backfill-bad-');
      writeSnapshot(bad, 'OPA_CE_DAILY_PUBLIC-2026-11-01.JSON', day(1));
      writeSnapshot(bad, 'OPA_CE_DAILY_PUBLIC-2026-11-02.JSON', day(2));
      const broken = path.join(bad, 'OPA_CE_DAILY_PUBLIC-2026-11-03.JSON');
      writeFileSync(broken, '{"coveredEntities":[{"id340B":"DSH000001","ceId":1,');
      writeSnapshot(bad, 'OPA_CE_DAILY_PUBLIC-2026-11-04.JSON', day(4));
      const run = await runOpais(['ingest', bad, '--json'], envFor(other));
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('SNAPSHOT_MALFORMED');
      expect(run.stderr).toContain(broken);
      expect(run.stderr).toContain('backfill stopped at');
      expect(run.stderr).toContain('the 2 file(s) applied before it stay applied');
      expect(jsonLines(run.stdout).map((line) => line.outcome)).toEqual(['applied', 'applied']);
      expect((await snapshotsOf(other)).map(([, file]) => file)).toEqual([
        'OPA_CE_DAILY_PUBLIC-2026-11-01.JSON',
        'OPA_CE_DAILY_PUBLIC-2026-11-02.JSON',
      ]);
      const { rows } = await other.pool.query('select count(*)::int as n from dim_ce');
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('a glob selects the files it matches', async () => {
    const other = await createTestDatabase('bfglob');
    try {
      const run = await runOpais(
        ['ingest', path.join(dir, 'OPA_CE_DAILY_PUBLIC-*.JSON'), '--json', '--no-project'],
        envFor(other),
      );
      expect(run.code, run.stderr).toBe(0);
      expect((await snapshotsOf(other)).map(([, file]) => file)).toEqual([
        'OPA_CE_DAILY_PUBLIC-2026-10-31.JSON',
        'OPA_CE_DAILY_PUBLIC-2026-11-02.JSON',
        'OPA_CE_DAILY_PUBLIC-2026-11-06.JSON',
      ]);
    } finally {
      await other.close();
    }
  }, 120_000);
});

describe.skipIf(motoUnavailableReason())('opais ingest s3://bucket/prefix/: backfill from S3', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer();
    // the SDK's default credential chain reads them from the environment
    Object.assign(process.env, moto.env);
  }, 90_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('loads the objects under the prefix in the order of the dates in their keys', async () => {
    const other = await createTestDatabase('bfs3');
    try {
      const client = createS3Client(moto.env);
      await createBucket(client, 'archive');
      await putObject(
        client,
        'archive',
        'opais/2026/11/02/OPA_CE_DAILY_PUBLIC.zip',
        await zipOf(snapshotJson(day(2))),
      );
      await putObject(client, 'archive', 'opais/2026/11/01/OPA_CE_DAILY_PUBLIC.JSON', snapshotJson(day(1)));
      await putObject(client, 'archive', 'opais/2026/11/03/OPA_CE_DAILY_PUBLIC.JSON', snapshotJson(day(3)));
      await putObject(
        client,
        'archive',
        'elsewhere/2026/10/01/OPA_CE_DAILY_PUBLIC.JSON',
        snapshotJson(day(0)),
      );
      const env = { ...envFor(other), ...moto.env };
      const run = await runOpais(['ingest', 's3://archive/opais/', '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(
        jsonLines(run.stdout)
          .slice(0, -1)
          .map((line) => [line.file, line.asOf]),
      ).toEqual([
        ['s3://archive/opais/2026/11/01/OPA_CE_DAILY_PUBLIC.JSON', '2026-11-01T00:00:00.000Z'],
        ['s3://archive/opais/2026/11/02/OPA_CE_DAILY_PUBLIC.zip', '2026-11-02T00:00:00.000Z'],
        ['s3://archive/opais/2026/11/03/OPA_CE_DAILY_PUBLIC.JSON', '2026-11-03T00:00:00.000Z'],
      ]);
      const again = await runOpais(['ingest', 's3://archive/opais/', '--json'], env);
      expect(jsonLines(again.stdout).at(-1)).toMatchObject({ applied: 0, alreadyApplied: 3 });
    } finally {
      await other.close();
    }
  }, 120_000);
});
