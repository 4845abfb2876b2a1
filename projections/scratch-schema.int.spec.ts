import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { runOpais } from '../test/support/run-opais.ts';
import { createTestDatabase, envFor, testDatabaseUrl } from '../test/support/test-database.ts';
import { scratchMarker } from './projection-schema.ts';

/**
 * `opais verify` and `opais rebuild` work in scratch schemas named
 * `<schema>_verify` / `<schema>_rebuild`. A schema of that name that opais
 * did not make (another deployment's event store) is never dropped: the
 * command refuses and says why. One it left behind (a killed run) is replaced.
 */
let database: Database;
let admin: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('scratch');
  admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  const projected = await runOpais(['project'], envFor(database));
  expect(projected.code, projected.stderr).toBe(0);
});
afterAll(async () => {
  for (const suffix of ['verify', 'rebuild'])
    await admin?.query(`drop schema if exists ${database.schema}_${suffix} cascade`);
  await admin?.end();
  await database?.close();
});

describe.each(['verify', 'rebuild'])('opais %s and its scratch schema', (command) => {
  it('refuses to drop a schema of the scratch name that opais did not make, and leaves it as it was', async () => {
    const foreign = `${database.schema}_${command}`;
    await admin.query(`create schema ${foreign}`);
    await admin.query(`create table ${foreign}.someone_elses (id int)`);
    await admin.query(`insert into ${foreign}.someone_elses values (1), (2)`);

    const run = await runOpais([command], envFor(database));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      `opais: SCHEMA_NOT_OURS: schema ${foreign} exists and was not made by opais`,
    );
    const { rows } = await admin.query(`select count(*)::int as n from ${foreign}.someone_elses`);
    expect(rows[0].n).toBe(2);
    await admin.query(`drop schema ${foreign} cascade`);
  });

  it('replaces a scratch schema that an earlier, killed run left behind, and drops it when done', async () => {
    const leftover = `${database.schema}_${command}`;
    const first = await runOpais([command], envFor(database));
    expect(first.code, first.stderr).toBe(0);
    // As a killed run would leave it: made and marked by opais.
    await admin.query(`create schema ${leftover}`);
    await admin.query(`comment on schema ${leftover} is '${scratchMarker}'`);
    const run = await runOpais([command], envFor(database));
    expect(run.code, run.stderr).toBe(0);
    const { rows } = await admin.query('select 1 from pg_namespace where nspname = $1', [leftover]);
    expect(rows).toHaveLength(0);
  });
});
