import type pg from 'pg';
import { advisoryLockKey } from '../src/db/advisory-lock-key.ts';
import { listMigrations } from '../src/db/migrate.ts';
import { createPool } from '../src/db/open-database.ts';
import { OpaisError } from '../src/errors.ts';

/**
 * Scratch schemas for rebuild and verify. They hold only the projection
 * objects, made by replaying the projection migrations (ddl/NNNN_projections*.sql)
 * so that they are built exactly like the live ones; the events are read
 * from the live schema, which comes second on the scratch pool's search_path.
 */
function projectionMigrations() {
  return listMigrations().filter((migration) => /^\d{4}_projections/.test(migration.version));
}

export function scratchSchemaName(liveSchema: string, suffix: string): string {
  const name = `${liveSchema}_${suffix}`;
  if (name.length > 63) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `schema name ${name} is longer than PostgreSQL's 63 characters; use a shorter OPAIS_SCHEMA`,
    );
  }
  return name;
}

/**
 * Written on every scratch schema when it is created: only a schema that
 * carries it is ever dropped, so a schema of the same name made by someone
 * else (another deployment's event store, say) is never touched.
 */
export const scratchMarker = 'opais scratch schema: made by opais rebuild/verify, dropped when they finish';

export async function createProjectionSchema(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    // A scratch schema left behind by a killed run is ours to replace.
    if (await existsUnmarked(client, schema)) throw notOurs(schema);
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`create schema ${schema}`);
    await client.query(`comment on schema ${schema} is '${scratchMarker}'`);
    await replayProjectionMigrations(client, schema);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The projection objects, made in `schema` by the projection migrations, within the client's open transaction. */
export async function replayProjectionMigrations(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`set local search_path = ${schema}`);
  for (const migration of projectionMigrations()) await client.query(migration.sql);
}

export async function dropProjectionSchema(pool: pg.Pool, schema: string): Promise<void> {
  if (await existsUnmarked(pool, schema)) throw notOurs(schema);
  await pool.query(`drop schema if exists ${schema} cascade`);
}

async function existsUnmarked(client: pg.Pool | pg.ClientBase, schema: string): Promise<boolean> {
  const { rows } = await client.query<{ marker: string | null }>(
    `select obj_description(oid, 'pg_namespace') as marker from pg_namespace where nspname = $1`,
    [schema],
  );
  return rows.length > 0 && rows[0]?.marker !== scratchMarker;
}

function notOurs(schema: string): OpaisError {
  return new OpaisError(
    'SCHEMA_NOT_OURS',
    `schema ${schema} exists and was not made by opais (it lacks the scratch-schema marker), so it is left as it is; ` +
      'rename or drop it yourself, or set OPAIS_SCHEMA to a schema whose scratch names are free',
    { schema },
  );
}

/**
 * Runs `work` holding a session lock named after the scratch schema, so two
 * rebuilds (or two verifies) of one schema take turns instead of dropping
 * each other's scratch schema; the second waits.
 */
export async function withScratchLock<T>(
  pool: pg.Pool,
  scratchSchema: string,
  work: () => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const key = advisoryLockKey(`scratch:${scratchSchema}`);
  try {
    await client.query('select pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}

/** A pool whose unqualified names find the scratch schema's tables first, then the live events. */
export function scratchPool(connectionString: string, scratchSchema: string, liveSchema: string): pg.Pool {
  return createPool(connectionString, `${scratchSchema},${liveSchema}`, 2);
}
