import type pg from 'pg';
import type { Database } from '../src/db/open-database.ts';
import type { EventStoreReader } from '../src/store/event-store.ts';
import { projectLockKey } from '../src/store/postgres/plans.ts';
import { type CatchUpOptions, catchUpProjections } from './catch-up-projections.ts';
import type { ProjectorFailure } from './checkpoints.ts';
import {
  createProjectionSchema,
  dropProjectionSchema,
  scratchPool,
  scratchSchemaName,
  withScratchLock,
} from './projection-schema.ts';

export interface RebuildResult {
  snapshots: number;
  failures: ProjectorFailure[];
  durationMs: number;
}

/**
 * Replays every event into a fresh schema (`<schema>_rebuild`), then swaps
 * its tables in for the live ones in one transaction (SET SCHEMA, a
 * catalogue change): readers see the old tables until the commit and the
 * new ones after, never a half-built table. Snapshots ingested during the
 * replay are caught up before the swap, under the projectors' lock so that
 * no live runner moves meanwhile.
 */
export async function rebuildProjections(
  database: Database,
  options: Pick<CatchUpOptions, 'onSnapshot'> = {},
): Promise<RebuildResult> {
  const started = performance.now();
  const target = scratchSchemaName(database.schema, 'rebuild');
  return withScratchLock(database.pool, target, async () => {
    await createProjectionSchema(database.pool, target);
    const pool = scratchPool(database.connectionString, target, database.schema);
    const result: RebuildResult = { snapshots: 0, failures: [], durationMs: 0 };
    try {
      for (;;) {
        const run = await catchUpProjections(
          { pool, store: database.store },
          { ...options, retryFailed: false },
        );
        result.snapshots += run.snapshots;
        result.failures.push(...run.failures);
        if (await swapIn(database.pool, database.store, target, database.schema)) break;
      }
    } finally {
      await pool.end();
      await dropProjectionSchema(database.pool, target);
    }
    result.durationMs = Math.round(performance.now() - started);
    return result;
  });
}

/** Moves the rebuilt tables into `live` if they are caught up with the last snapshot; false if not yet. */
async function swapIn(
  pool: pg.Pool,
  store: EventStoreReader,
  rebuilt: string,
  live: string,
): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    // Readers hold the live tables only for a query's length; give up rather than wait forever behind a stuck one.
    await client.query("set local lock_timeout = '60s'");
    await client.query('select pg_advisory_xact_lock($1)', [projectLockKey(live)]);
    // Read under the lock: no runner moves now, and a snapshot committed after this read is caught up by the live runners.
    const head = await store.headPosition();
    const { rows: behind } = await client.query(
      `select 1 from ${rebuilt}.projector_checkpoints where error is null and position < $1`,
      [head],
    );
    if (behind.length > 0) {
      await client.query('rollback');
      return false;
    }
    const { rows: tables } = await client.query<{ name: string }>(
      'select tablename as name from pg_tables where schemaname = $1 order by tablename',
      [rebuilt],
    );
    for (const { name } of tables) await carryGrants(client, `${live}.${name}`, `${rebuilt}.${name}`);
    const replaced = scratchSchemaName(live, 'replaced');
    await client.query(`create schema ${replaced}`);
    for (const { name } of tables)
      await client.query(`alter table if exists ${live}.${name} set schema ${replaced}`);
    for (const { name } of tables) await client.query(`alter table ${rebuilt}.${name} set schema ${live}`);
    // No CASCADE: a view someone built on a table must not vanish silently; the swap fails and says why.
    for (const { name } of tables) await client.query(`drop table if exists ${replaced}.${name}`);
    await client.query(`drop schema ${replaced}`);
    await client.query('commit');
    return true;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Grants the rebuilt table what the live one granted (table privileges, to
 * the same roles), so that a read-only role, such as the API's, can still
 * read after the swap. Column privileges are not carried.
 */
async function carryGrants(client: pg.ClientBase, from: string, to: string): Promise<void> {
  const { rows } = await client.query<{ grantee: string; privilege: string; grantable: boolean }>(
    `select case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end as grantee,
            a.privilege_type as privilege, a.is_grantable as grantable
       from pg_class c cross join lateral aclexplode(c.relacl) a
      where c.oid = to_regclass($1) and a.grantee <> c.relowner`,
    [from],
  );
  for (const { grantee, privilege, grantable } of rows) {
    await client.query(`grant ${privilege} on ${to} to ${grantee}${grantable ? ' with grant option' : ''}`);
  }
}
