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
export function projectionMigrations() {
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

export async function createProjectionSchema(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`create schema ${schema}`);
    await client.query(`set local search_path = ${schema}`);
    for (const migration of projectionMigrations()) await client.query(migration.sql);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export async function dropProjectionSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`drop schema if exists ${schema} cascade`);
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
