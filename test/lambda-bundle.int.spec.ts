import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../infra/build-lambda.ts';
import { createS3Client } from '../src/source/s3-client.ts';
import { extractZip } from './support/extract-zip.ts';
import { motoUnavailableReason, startMotoServer } from './support/moto-server.ts';
import { createBucket, putObject, snapshotJson, zipOf } from './support/s3-fixtures.ts';
import { coveredEntities, tempDir } from './support/snapshot-fixtures.ts';
import { createTestDatabase, testDatabaseUrl } from './support/test-database.ts';

const run = promisify(execFile);

/**
 * `npm run build:lambda`'s zip, unpacked as Lambda unpacks it and run by
 * plain `node` (no tsx, no dev dependencies, no embedded PostgreSQL): what
 * the runtime does with handler `index.handler`.
 */
describe('the Lambda bundle (dist/lambda/handler.zip)', () => {
  let task: string;
  let entries: string[];

  const invoke = async (event: unknown, env: NodeJS.ProcessEnv) => {
    // The most OS threads the process had while handling (worker threads are among them).
    const script = `
      const { readFileSync } = await import('node:fs');
      const threads = () => Number(/^Threads:\\s+(\\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
      let maxThreads = threads();
      const sampler = setInterval(() => { maxThreads = Math.max(maxThreads, threads()); }, 1);
      const { handler } = await import(process.argv[1]);
      const result = await handler(JSON.parse(process.argv[2]), { awsRequestId: 'bundle-test' });
      clearInterval(sampler);
      process.stdout.write('RESULT ' + JSON.stringify({ ...result, maxThreads }) + '\\n');
      process.exit(0);
    `;
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, path.join(task, 'index.mjs'), JSON.stringify(event)],
      { env: { PATH: process.env.PATH, ...env }, cwd: task },
    );
    const line = stdout.split('\n').find((text) => text.startsWith('RESULT ')) as string;
    return {
      result: JSON.parse(line.slice('RESULT '.length)),
      logs: stdout.split('\n').filter((text) => text.startsWith('{')),
    };
  };

  beforeAll(async () => {
    const { zip } = await buildLambda();
    task = tempDir('opais-lambda-task-');
    entries = await extractZip(zip, task);
  });

  it('holds index.mjs, the bundle and the migrations', () => {
    expect(entries).toEqual(
      expect.arrayContaining(['index.mjs', 'src/lambda/handler.mjs', 'ddl/0001_event_store.sql']),
    );
    expect(readFileSync(path.join(task, 'index.mjs'), 'utf8')).toContain('export { handler, fetchHandler }');
    expect(entries).toContain('src/lambda/element-worker.mjs');
  });

  it('loads in plain node and handles an event (a key that is not a snapshot), with JSON logs', async () => {
    const event = {
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2026-11-26T05:00:00Z',
      detail: { bucket: { name: 'exports' }, object: { key: 'daily/readme.txt' } },
    };
    const { result, logs } = await invoke(event, {});
    expect(result).toEqual({
      maxThreads: expect.any(Number),
      objects: [
        {
          uri: 's3://exports/daily/readme.txt',
          status: 'ignored',
          reason: expect.stringContaining('not a snapshot key'),
        },
      ],
    });
    expect(JSON.parse(logs[0] as string)).toMatchObject({
      level: 'info',
      message: 'ignored object',
      requestId: 'bundle-test',
    });
  });

  it.skipIf(motoUnavailableReason())(
    'ingests a zipped export from S3 (moto) into PostgreSQL and projects it, reading on every core',
    async () => {
      const moto = await startMotoServer();
      const database = await createTestDatabase('bundle');
      const oneThread = await createTestDatabase('bundle');
      try {
        Object.assign(process.env, moto.env);
        const client = createS3Client(moto.env);
        await createBucket(client, 'exports');
        const key = 'daily/OPA_CE_DAILY_PUBLIC_2026-11-26.zip';
        // ≈ 1 MB, every element to parse: with OPAIS_READER_WORKERS_AFTER_BYTES=0 the workers start at once.
        const entities = coveredEntities(3000);
        await putObject(client, 'exports', key, await zipOf(snapshotJson(entities)));
        const event = {
          'detail-type': 'Object Created',
          source: 'aws.s3',
          time: '2026-11-26T06:00:00Z',
          detail: { bucket: { name: 'exports' }, object: { key } },
        };
        const { result } = await invoke(event, {
          ...moto.env,
          DATABASE_URL: testDatabaseUrl,
          OPAIS_SCHEMA: database.schema,
          OPAIS_READER_WORKERS_AFTER_BYTES: '0',
        });
        const { result: withoutWorkers } = await invoke(event, {
          ...moto.env,
          DATABASE_URL: testDatabaseUrl,
          OPAIS_SCHEMA: oneThread.schema,
          OPAIS_READER_WORKERS: '0',
        });
        expect(withoutWorkers.objects).toEqual([
          expect.objectContaining({ status: 'applied', registered: entities.length }),
        ]);
        // The reader's worker threads (one per core but its own, at most 4) run from the bundle.
        expect(result.maxThreads - withoutWorkers.maxThreads).toBeGreaterThanOrEqual(
          Math.min(availableParallelism() - 1, 4),
        );
        expect(result.objects).toEqual([
          expect.objectContaining({
            status: 'applied',
            asOf: '2026-11-26T00:00:00.000Z',
            asOfFrom: 'key',
            registered: entities.length,
          }),
        ]);
        const { rows } = await database.pool.query<{ count: number }>(
          "select count(*)::int as count from dim_ce where current_version_flg = 'Y'",
        );
        expect(rows[0]?.count).toBe(entities.length);
      } finally {
        await database.close();
        await oneThread.close();
        await moto.stop();
      }
    },
  );
});
