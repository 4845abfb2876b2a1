import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { coveredEntities, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';

const run = promisify(execFile);

/** The default with no DATABASE_URL: a real PostgreSQL from npm binaries, data under OPAIS_DATA_DIR. */
describe('the CLI on the embedded PostgreSQL', () => {
  const dir = tempDir();
  // As root the server runs as the `postgres` user, which must be able to reach the data dir.
  chmodSync(dir, 0o755);
  const env = { ...process.env, DATABASE_URL: '', OPAIS_DATA_DIR: path.join(dir, '.opais') };
  const opais = (...args: string[]) => run(process.execPath, ['bin/opais.js', ...args], { env });

  it('ingests, reports status, and stops its server when done', async () => {
    const file = writeSnapshot(dir, 'OPA_CE_DAILY_PUBLIC.JSON', coveredEntities(25));
    const ingest = await opais('ingest', file, '--as-of', '2026-11-26T05:00:00Z', '--json');
    expect(JSON.parse(ingest.stdout)).toMatchObject({
      asOf: '2026-11-26T05:00:00.000Z',
      registered: 25,
      alreadyApplied: false,
    });

    const again = await opais('ingest', file, '--as-of', '2026-11-27T05:00:00Z', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyApplied: true });

    const status = JSON.parse((await opais('status', '--json')).stdout);
    expect(status).toMatchObject({ snapshots: 1, entities: { current: 25, removed: 0 } });
    expect(existsSync(path.join(dir, '.opais', 'pg', 'postmaster.pid'))).toBe(false);
  }, 180_000);

  it('recovers after the CLI is killed while its server runs', async () => {
    const file = writeSnapshot(dir, 'big.json', coveredEntities(20_000));
    const child = spawn(
      process.execPath,
      ['bin/opais.js', 'ingest', file, '--as-of', '2026-11-28T05:00:00Z'],
      { env },
    );
    const pidFile = path.join(dir, '.opais', 'pg', 'postmaster.pid');
    for (let waited = 0; !existsSync(pidFile) && waited < 60_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const orphan = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);

    const status = JSON.parse((await opais('status', '--json')).stdout);
    expect(status.snapshots).toBeGreaterThanOrEqual(1);
    expect(() => process.kill(orphan, 0)).toThrow();
    expect(existsSync(pidFile)).toBe(false);
  }, 180_000);

  it('backfills a folder, exports a table and a past snapshot, and keeps subscriptions', async () => {
    const archive = path.join(dir, 'archive');
    mkdirSync(archive);
    writeSnapshot(archive, 'OPA_CE_DAILY_PUBLIC-2026-12-01.JSON', coveredEntities(30));
    writeSnapshot(archive, 'OPA_CE_DAILY_PUBLIC-2026-12-02.JSON', coveredEntities(31));
    const backfill = (await opais('ingest', archive, '--json')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(backfill.at(-1)).toMatchObject({ total: true, files: 2, applied: 2 });

    const csv = (await opais('export', 'dim_ce', '--where', 'id340b=DSH000031')).stdout;
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
    const snapshot = JSON.parse((await opais('export', 'snapshot', '--as-of', '2026-12-01')).stdout);
    expect(snapshot.coveredEntities).toHaveLength(30);

    await opais('subscriptions', 'add', '--url', 'http://127.0.0.1:9/hook', '--filter', 'state=MA');
    const listed = JSON.parse((await opais('subscriptions', 'list', '--json')).stdout);
    expect(listed.items).toMatchObject([
      { url: 'http://127.0.0.1:9/hook', status: 'active', filter: { state: ['MA'] } },
    ]);
  }, 180_000);
});
