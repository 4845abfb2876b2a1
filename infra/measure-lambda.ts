/**
 * Measures the Lambda bundle on snapshot files, to size its memory and
 * timeout: `npx tsx infra/measure-lambda.ts <snapshot>...` (e.g. a full-scale
 * series from bench/data/). It builds dist/lambda/handler.zip, unpacks it,
 * starts a moto S3 server on 127.0.0.1, uploads each file as
 * `daily/OPA_CE_DAILY_PUBLIC_<day>.JSON` (and, with --zip, zipped), and
 * invokes the bundled handler once per file, each in a fresh `node` process
 * (a cold Lambda), against a fresh schema in MEASURE_DATABASE_URL (default:
 * the local test server). It prints wall time and peak RSS per invocation;
 * ingest and projection catch-up are both inside the figure.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import pg from 'pg';
import yazl from 'yazl';
import { nodeOptions, processEnvironment } from '../src/node-options.ts';
import { createS3Client } from '../src/source/s3-client.ts';
import { extractZip } from '../test/support/extract-zip.ts';
import { startMotoServer } from '../test/support/moto-server.ts';
import { buildLambda } from './build-lambda.ts';

const files = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const zipped = process.argv.includes('--zip');
if (files.length === 0) {
  process.stderr.write('usage: npx tsx infra/measure-lambda.ts [--zip] <snapshot.json>...\n');
  process.exit(2);
}
const databaseUrl = process.env.MEASURE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `measure_lambda_${process.pid}`;

const work = await mkdtemp(path.join(tmpdir(), 'opais-measure-'));
const { zip } = await buildLambda();
await extractZip(zip, path.join(work, 'task'));
const moto = await startMotoServer();
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
try {
  Object.assign(process.env, moto.env);
  const s3 = createS3Client(moto.env);
  await s3.send(new CreateBucketCommand({ Bucket: 'measure' }));
  const rows: string[][] = [
    [
      'object',
      'MB',
      'S3 read s',
      'wall s',
      'ingest s',
      'project s',
      'peak RSS MB',
      'registered',
      'changed',
      'removed',
    ],
  ];
  for (const [index, file] of files.entries()) {
    const day = `2026-11-${String(index + 1).padStart(2, '0')}`;
    let body = file;
    if (zipped) {
      body = path.join(work, `${day}.zip`);
      await zipFile(file, body);
    }
    const key = `daily/OPA_CE_DAILY_PUBLIC_${day}.${zipped ? 'zip' : 'JSON'}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: 'measure',
        Key: key,
        Body: createReadStream(body),
        ContentLength: (await stat(body)).size,
      }),
    );
    const event = {
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: `${day}T05:00:00Z`,
      detail: { bucket: { name: 'measure' }, object: { key } },
    };
    const measured = await invoke(path.join(work, 'task/index.mjs'), event, {
      ...moto.env,
      DATABASE_URL: databaseUrl,
      OPAIS_SCHEMA: schema,
    });
    const outcome = measured.result.objects[0] ?? {};
    const logTime = (message: string) =>
      Date.parse(measured.logs.find((log) => log.message === message)?.time ?? '');
    rows.push([
      key,
      ((await stat(body)).size / 1e6).toFixed(0),
      (await timeRead(s3, key)).toFixed(1),
      measured.seconds.toFixed(1),
      (Number(outcome.durationMs) / 1000).toFixed(1),
      ((logTime('projections caught up') - logTime('ingest applied')) / 1000).toFixed(1),
      measured.maxRssMb.toFixed(0),
      String(outcome.registered),
      String(outcome.changed),
      String(outcome.removed),
    ]);
    process.stdout.write(`${rows.at(-1)?.join('\t')}\n`);
  }
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  process.stdout.write(
    `\n${rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')).join('\n')}\n`,
  );
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
  await moto.stop();
  await rm(work, { recursive: true, force: true });
}

interface Measured {
  result: { objects: Array<Record<string, unknown>> };
  seconds: number;
  maxRssMb: number;
  /** The handler's JSON log lines. */
  logs: Array<{ message: string; time: string; [field: string]: unknown }>;
}

/** One cold invocation: a fresh process imports the bundle and calls the handler once. */
function invoke(indexFile: string, event: unknown, env: Record<string, string>): Promise<Measured> {
  const script = `
    const started = performance.now();
    const { handler } = await import(process.argv[1]);
    const result = await handler(JSON.parse(process.argv[2]), { awsRequestId: 'measure' });
    const line = { result, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write('MEASURED ' + JSON.stringify(line) + '\\n');
    process.exit(0); // the handler keeps its pool for the next invocation, as in Lambda
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      // The function's NODE_OPTIONS and environment (infra/stack/opais-function.ts).
      [...nodeOptions, '--input-type=module', '-e', script, indexFile, JSON.stringify(event)],
      { env: { ...process.env, ...processEnvironment, ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((text) => text.startsWith('MEASURED '));
        if (error || !line)
          reject(
            new Error(`invocation failed: ${error?.message}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`),
          );
        else {
          const logs = stdout
            .split('\n')
            .filter((text) => text.startsWith('{'))
            .map((text) => JSON.parse(text));
          resolve({ ...(JSON.parse(line.slice('MEASURED '.length)) as Omit<Measured, 'logs'>), logs });
        }
      },
    );
  });
}

async function zipFile(file: string, out: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addReadStream(createReadStream(file), 'OPA_CE_DAILY_PUBLIC.JSON');
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
}

/** How long the S3 server takes to serve the object alone (the floor under the ingest's time). */
async function timeRead(s3: ReturnType<typeof createS3Client>, key: string): Promise<number> {
  const started = performance.now();
  const response = await s3.send(new GetObjectCommand({ Bucket: 'measure', Key: key }));
  for await (const _chunk of response.Body as AsyncIterable<Buffer>);
  return (performance.now() - started) / 1000;
}
