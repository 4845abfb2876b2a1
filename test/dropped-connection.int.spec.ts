import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { readWholeLog } from '../src/store/testing/read-whole-log.ts';
import { coveredEntities, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

/**
 * A connection dropped under a running command (pg_terminate_backend, as a
 * failover or an operator would): `opais ingest` fails cleanly with exit 9
 * and nothing applied; `opais project --follow` keeps running and resumes
 * from its checkpoint. Each child is told apart on the shared server by its
 * application_name (PGAPPNAME), so only its own connections are ended.
 */
const dir = tempDir();
const day0 = writeSnapshot(dir, 'day0.json', coveredEntities(12_000));
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase('dropped');
});
afterAll(() => database?.close());

function start(
  args: string[],
  appName: string,
): { child: ChildProcess; exited: Promise<number | null>; log: () => string } {
  const child = spawn(process.execPath, ['bin/opais.js', ...args], {
    env: { ...envFor(database), PGAPPNAME: appName },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, log: () => log };
}

/** Waits until a backend of `appName` runs a statement matching `query`, then ends every backend of `appName`. */
async function terminateWhen(appName: string, query: RegExp, withinMs = 60_000): Promise<number> {
  for (const started = Date.now(); Date.now() - started < withinMs; ) {
    const { rows } = await database.pool.query<{ query: string }>(
      `select query from pg_stat_activity where application_name = $1 and state = 'active'`,
      [appName],
    );
    if (rows.some((row) => query.test(row.query))) {
      const ended = await database.pool.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [appName],
      );
      return ended.rowCount ?? 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no backend of ${appName} ran ${query}`);
}

describe('a dropped database connection', () => {
  it('fails `opais ingest` cleanly: exit 9, one line, nothing applied; a re-run applies the snapshot', async () => {
    const appName = `opais_ingest_${randomBytes(3).toString('hex')}`;
    const ingest = start(['ingest', day0, '--as-of', '2026-03-01T05:00:00Z', '--no-project'], appName);
    expect(await terminateWhen(appName, /^copy /i)).toBeGreaterThan(0);
    expect(await ingest.exited, ingest.log()).toBe(9);
    expect(ingest.log()).toMatch(
      /^opais: DATABASE_UNAVAILABLE: cannot use the database postgres:\/\/\S+: .+\n$/,
    );
    expect(await readWholeLog(database.store)).toEqual([]);
    expect(await database.store.listSnapshots()).toEqual([]);

    const again = start(['ingest', day0, '--as-of', '2026-03-01T05:00:00Z', '--no-project'], appName);
    expect(await again.exited, again.log()).toBe(0);
    expect(await database.store.listSnapshots()).toHaveLength(1);
  });

  it('does not stop `opais project --follow`: it resumes from its checkpoint and catches up', async () => {
    const appName = `opais_follow_${randomBytes(3).toString('hex')}`;
    const follow = start(['project', '--follow', '--poll-interval', '1'], appName);
    try {
      await terminateWhen(appName, /dim_|copy /i);
      const head = await database.store.headPosition();
      for (const started = Date.now(); Date.now() - started < 90_000; ) {
        if (follow.child.exitCode !== null) break;
        const { rows: behind } = await database.pool.query(
          'select 1 from projector_checkpoints where position < $1 or error is not null',
          [head],
        );
        const { rows: all } = await database.pool.query('select 1 from projector_checkpoints');
        if (all.length > 0 && behind.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(follow.child.exitCode, follow.log()).toBeNull();
      expect(follow.log()).toContain('projection paused');
      expect(follow.log()).not.toMatch(/Unhandled|at .*\.ts:\d+/);
      const { rows: checkpoints } = await database.pool.query<{ position: number; error: string | null }>(
        'select position, error from projector_checkpoints',
      );
      expect(checkpoints.length).toBeGreaterThan(0);
      for (const checkpoint of checkpoints) expect(checkpoint).toEqual({ position: head, error: null });
    } finally {
      follow.child.kill('SIGTERM');
      expect(await follow.exited, follow.log()).toBe(0);
    }
  }, 120_000);
});
