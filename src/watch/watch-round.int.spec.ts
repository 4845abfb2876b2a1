import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { runOpais } from '../../test/support/run-opais.ts';
import { createBucket, putObject, snapshotJson } from '../../test/support/s3-fixtures.ts';
import { coveredEntities, coveredEntity } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { createLogger } from '../log/create-logger.ts';
import { createS3Client } from '../source/s3-client.ts';
import { readSnapshotKeyFilter } from '../source/snapshot-key-filter.ts';
import { watchBucket } from './watch-bucket.ts';
import { watchRound } from './watch-round.ts';

const bucket = 'watched';
const quiet = createLogger({ level: 'silent' });

describe.skipIf(motoUnavailableReason())('the bucket watcher against moto and PostgreSQL', () => {
  let moto: MotoServer;
  let database: Database;
  let client: S3Client;
  const day0 = coveredEntities(12);
  const day1 = [...day0.slice(0, 11), coveredEntity('DSH000012', 12, { name: 'RENAMED' })];
  const day2 = [...day1, coveredEntity('DSH000013', 13)];

  const round = () =>
    watchRound({
      database,
      client,
      bucket,
      prefix: 'daily/',
      filter: { ...readSnapshotKeyFilter({}), prefix: 'daily/' },
      log: quiet,
      env: {},
    });
  const snapshots = async () =>
    (await database.store.listSnapshots()).map((snapshot) => [
      snapshot.asOf.toISOString(),
      snapshot.source.kind === 's3' ? snapshot.source.key : '',
    ]);

  beforeAll(async () => {
    moto = await startMotoServer();
    Object.assign(process.env, moto.env);
    database = await createTestDatabase('watch');
    client = createS3Client(moto.env);
    await createBucket(client, bucket);
  });

  afterAll(async () => {
    await database?.close();
    await moto?.stop();
  });

  it('ingests two new objects in as-of order, whatever order they arrived in', async () => {
    await putObject(client, bucket, 'daily/OPA_CE_DAILY_PUBLIC_2026-11-27.JSON', snapshotJson(day1));
    await putObject(client, bucket, 'daily/OPA_CE_DAILY_PUBLIC_2026-11-26.JSON', snapshotJson(day0));
    await putObject(client, bucket, 'daily/notes.txt', 'not a snapshot');
    await putObject(client, bucket, 'elsewhere/OPA_CE_DAILY_PUBLIC_2026-11-25.JSON', snapshotJson(day0));

    expect(await round()).toMatchObject({ listed: 2, applied: 2, refused: 0, failed: undefined });
    expect(await snapshots()).toEqual([
      ['2026-11-26T00:00:00.000Z', 'daily/OPA_CE_DAILY_PUBLIC_2026-11-26.JSON'],
      ['2026-11-27T00:00:00.000Z', 'daily/OPA_CE_DAILY_PUBLIC_2026-11-27.JSON'],
    ]);
    const { rows } = await database.pool.query<{ count: number }>(
      "select count(*)::int as count from dim_ce where current_version_flg = 'Y'",
    );
    expect(rows[0]?.count).toBe(12);
  });

  it('does nothing for objects it already handled', async () => {
    const head = await database.store.headPosition();
    expect(await round()).toMatchObject({ listed: 2, applied: 0, alreadyApplied: 0 });
    expect(await database.store.headPosition()).toBe(head);
  });

  it('records a malformed object as refused and does not try it again', async () => {
    await putObject(
      client,
      bucket,
      'daily/OPA_CE_DAILY_PUBLIC_2026-11-28.JSON',
      '{"coveredEntities": [{"id340B": "DSH0',
    );
    expect(await round()).toMatchObject({ applied: 0, refused: 1 });
    expect(await round()).toMatchObject({ applied: 0, refused: 0 });
    const { rows } = await database.pool.query(
      "select outcome, error_code, attempts from watched_objects where key = 'daily/OPA_CE_DAILY_PUBLIC_2026-11-28.JSON'",
    );
    expect(rows).toEqual([{ outcome: 'refused', error_code: 'SNAPSHOT_MALFORMED', attempts: 1 }]);
  });

  it('remembers across restarts: a new `opais watch --once` process picks up only the new object', async () => {
    await putObject(client, bucket, 'daily/OPA_CE_DAILY_PUBLIC_2026-11-29.JSON', snapshotJson(day2));
    const env = { ...envFor(database), ...moto.env };
    const first = await runOpais(['watch', `s3://${bucket}/daily/`, '--once'], env);
    expect(first.code).toBe(0);
    const logged = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logged.filter((line) => line.message === 'ingest applied').map((line) => line.uri)).toEqual([
      `s3://${bucket}/daily/OPA_CE_DAILY_PUBLIC_2026-11-29.JSON`,
    ]);
    const second = await runOpais(['watch', `s3://${bucket}/daily/`, '--once'], env);
    expect(second.stdout).not.toContain('ingest started');
    expect((await snapshots()).map(([asOf]) => asOf)).toEqual([
      '2026-11-26T00:00:00.000Z',
      '2026-11-27T00:00:00.000Z',
      '2026-11-29T00:00:00.000Z',
    ]);
  });

  it('keeps polling at its interval until stopped', async () => {
    const stop = new AbortController();
    const rounds: number[] = [];
    const loop = watchBucket({
      database,
      client,
      bucket,
      prefix: 'daily/',
      filter: readSnapshotKeyFilter({}),
      log: quiet,
      env: {},
      intervalMs: 200,
      signal: stop.signal,
      onRound: (result) => rounds.push(result.applied),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await putObject(
      client,
      bucket,
      'daily/OPA_CE_DAILY_PUBLIC_2026-11-30.JSON',
      snapshotJson([...day2, coveredEntity('DSH000014', 14)]),
    );
    for (let waited = 0; !rounds.includes(1) && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop.abort();
    await loop;
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds).toContain(1);
    expect((await snapshots()).at(-1)).toEqual([
      '2026-11-30T00:00:00.000Z',
      'daily/OPA_CE_DAILY_PUBLIC_2026-11-30.JSON',
    ]);
  });
});
