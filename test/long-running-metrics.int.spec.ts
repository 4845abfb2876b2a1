import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { createS3Client } from '../src/source/s3-client.ts';
import { type MotoServer, motoUnavailableReason, startMotoServer } from './support/moto-server.ts';
import { runOpais } from './support/run-opais.ts';
import { createBucket, putObject, snapshotJson } from './support/s3-fixtures.ts';
import { coveredEntities, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

/** A long-running command in a child process, its JSON log lines (stdout is not a terminal) parsed as they come. */
function startOpais(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['bin/opais.js', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    // On exit, project --follow also prints the projectors' status for people, which is not a log line.
    for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  async function waitFor(match: (line: Record<string, unknown>) => boolean) {
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const found = lines.find(match);
      if (found) return found;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no such log line; lines: ${JSON.stringify(lines)}; stderr: ${stderr}`);
  }
  return { child, lines, exited, waitFor };
}

async function scrape(logs: { waitFor: ReturnType<typeof startOpais>['waitFor'] }): Promise<string> {
  const { url } = (await logs.waitFor((line) => line.message === 'serving metrics')) as { url: string };
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

async function stop(child: ChildProcess, exited: Promise<number | null>) {
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

describe('opais project --follow --metrics-port', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('cli_metrics');
  });
  afterAll(() => database?.close());

  it('opais project --follow: JSON log lines, projection counters and histogram, the store figures', async () => {
    const file = writeSnapshot(tempDir(), 'day0.json', coveredEntities(4));
    const ingest = await runOpais(
      ['ingest', file, '--as-of', '2026-11-01', '--no-project'],
      envFor(database),
    );
    expect(ingest.code).toBe(0);

    const follow = startOpais(['project', '--follow', '--metrics-port', '0'], {
      ...envFor(database),
      LOG_LEVEL: 'info',
    });
    try {
      const projected = await follow.waitFor((line) => line.message === 'projected snapshot');
      expect(projected).toMatchObject({ level: 'info', time: expect.any(String), asOf: expect.any(String) });
      const text = await scrape(follow);
      expect(text).toMatch(/^# TYPE opais_projection_snapshots_total counter$/m);
      expect(text).toMatch(/^opais_projection_snapshots_total 1$/m);
      expect(text).toMatch(/^# TYPE opais_projection_snapshot_duration_seconds histogram$/m);
      expect(text).toMatch(/^opais_projection_snapshot_duration_seconds_count 1$/m);
      expect(text).toMatch(/^# TYPE opais_snapshots_applied_total counter$/m);
      expect(text).toMatch(/^opais_snapshots_applied_total 1$/m);
      expect(text).toMatch(/^opais_entity_events_total\{type="CoveredEntityRegistered"\} 4$/m);
      expect(text).toMatch(/^opais_projector_lag_events\{projector="dim_ce"\} 0$/m);
      expect(text).toMatch(/^process_cpu_seconds_total /m);
    } finally {
      await stop(follow.child, follow.exited);
    }
  });
});

describe.skipIf(motoUnavailableReason())('opais watch --metrics-port', () => {
  let moto: MotoServer;
  let watched: Database;
  beforeAll(async () => {
    watched = await createTestDatabase('cli_watch_metrics');
    moto = await startMotoServer();
    Object.assign(process.env, moto.env); // the SDK's default credential chain reads them
  });
  afterAll(async () => {
    await moto?.stop();
    await watched?.close();
  });

  it('counts rounds and objects by outcome', async () => {
    const s3 = createS3Client(moto.env);
    await createBucket(s3, 'watched');
    await putObject(
      s3,
      'watched',
      'daily/OPA_CE_DAILY_PUBLIC_2099-01-01.JSON',
      snapshotJson(coveredEntities(3)),
    );
    const watch = startOpais(['watch', 's3://watched/daily/', '--interval', '1s', '--metrics-port', '0'], {
      ...envFor(watched),
      ...moto.env,
    });
    try {
      await watch.waitFor((line) => line.message === 'round done' && line.applied === 1);
      const text = await scrape(watch);
      expect(text).toMatch(/^opais_watch_objects_total\{outcome="applied"\} 1$/m);
      expect(text).toMatch(/^opais_watch_rounds_total [1-9]\d*$/m);
      expect(text).toMatch(/^# TYPE opais_watch_round_duration_seconds histogram$/m);
      expect(text).toMatch(/^opais_snapshots_applied_total 1$/m);
    } finally {
      await stop(watch.child, watch.exited);
    }
  });
});
