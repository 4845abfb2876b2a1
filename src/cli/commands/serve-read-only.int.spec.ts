import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpais } from '../../../test/support/run-opais.ts';
import { coveredEntities, tempDir, writeSnapshot } from '../../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor, testDatabaseUrl } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';
import { deleteEveryEvent } from '../../store/postgres/testing/delete-every-event.ts';

/**
 * `opais serve` under a role that can only read: `opais migrate
 * --grant-read-only ROLE` makes and grants it, serve answers every route
 * with it and never migrates, and the role cannot write.
 */
const reader = `opais_reader_${randomBytes(4).toString('hex')}`;
let database: Database;
let admin: pg.Client;

function urlAs(role: string): string {
  const url = new URL(testDatabaseUrl);
  url.username = role;
  url.password = '';
  return url.toString();
}

beforeAll(async () => {
  database = await createTestDatabase('serve_ro');
  admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  const file = writeSnapshot(tempDir(), 'day1.json', coveredEntities(10));
  const ingested = await runOpais(['ingest', file, '--as-of', '2026-06-01T05:00:00Z'], envFor(database));
  expect(ingested.code, ingested.stderr).toBe(0);
});
afterAll(async () => {
  await admin?.query(`drop owned by ${reader}`).catch(() => {});
  await admin?.query(`drop role if exists ${reader}`);
  await admin?.end();
  await database?.close();
});

async function serve(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['bin/opais.js', 'serve', '--port', '0'], {
    env: { ...env, OPAIS_API_TOKEN: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  const url = await new Promise<string | undefined>((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    void exited.then(() => resolve(undefined));
  });
  return { child, exited, url, stderr: () => stderr };
}

describe('opais serve under a read-only role', () => {
  it('is granted by `opais migrate --grant-read-only`, serves every route, and cannot write', async () => {
    const granted = await runOpais(['migrate', '--grant-read-only', reader], {
      ...envFor(database),
      OPAIS_READ_ONLY_PASSWORD: "it's a secret",
    });
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain(`created role ${reader} may read schema ${database.schema}`);
    expect(granted.stdout).toContain('password set from OPAIS_READ_ONLY_PASSWORD');
    const { rows: authid } = await admin.query(
      'select rolpassword is not null as has from pg_authid where rolname = $1',
      [reader],
    );
    expect(authid).toEqual([{ has: true }]);

    const server = await serve({ ...envFor(database), DATABASE_URL: urlAs(reader) });
    try {
      expect(server.url, server.stderr()).toBeDefined();
      for (const path of [
        '/health',
        '/changes',
        '/snapshots',
        '/entities?q=HOSPITAL',
        '/entities/DSH000001/1',
        '/metrics',
      ]) {
        const answer = await fetch(`${server.url}${path}`);
        expect(answer.status, `${path}: ${await answer.clone().text()}`).toBe(200);
      }
      const changes = (await (await fetch(`${server.url}/changes`)).json()) as { items: unknown[] };
      expect(changes.items).toHaveLength(10);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }

    const asReader = new pg.Client({ connectionString: urlAs(reader) });
    await asReader.connect();
    try {
      await expect(deleteEveryEvent(asReader, database.schema)).rejects.toMatchObject({
        code: '42501',
      });
      await expect(asReader.query(`create table ${database.schema}.x (a int)`)).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await asReader.end();
    }
  });

  it('never migrates: on a schema that lacks migrations it exits with a clear error and creates nothing', async () => {
    const empty = `${database.schema}_empty`;
    const server = await serve({ ...envFor(database), OPAIS_SCHEMA: empty });
    expect(server.url).toBeUndefined();
    expect(await server.exited).toBe(9);
    expect(server.stderr()).toMatch(
      new RegExp(
        `^opais: SCHEMA_NOT_MIGRATED: schema ${empty} lacks migration\\(s\\) 0001_event_store, .*run \`opais migrate\``,
      ),
    );
    const { rows } = await admin.query('select 1 from pg_namespace where nspname = $1', [empty]);
    expect(rows).toHaveLength(0);
  });
});
