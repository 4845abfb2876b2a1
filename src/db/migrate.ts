import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import { advisoryLockKey } from './advisory-lock-key.ts';

const ddlDir = fileURLToPath(new URL('../../ddl/', import.meta.url));

export interface Migration {
  version: string;
  sql: string;
}

/** The versioned SQL files of ddl/, in order. They name tables unqualified: they run with search_path = the schema. */
export function listMigrations(): Migration[] {
  return readdirSync(ddlDir)
    .filter((name) => /^\d{4}_.+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: name.replace(/\.sql$/, ''), sql: readFileSync(ddlDir + name, 'utf8') }));
}

/**
 * Applies the migrations that the schema lacks, each in its own transaction,
 * under an advisory lock so that concurrent processes migrate once.
 * Returns the versions applied now.
 */
export async function migrate(pool: pg.Pool, schema: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [advisoryLockKey(`migrate:${schema}`)]);
    try {
      await client.query(`create schema if not exists ${schema}`);
      await client.query(`set search_path = ${schema}, public`);
      await client.query(
        'create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())',
      );
      const { rows } = await client.query<{ version: string }>('select version from schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      const done: string[] = [];
      for (const migration of listMigrations()) {
        if (applied.has(migration.version)) continue;
        await client.query('begin');
        try {
          await client.query(migration.sql);
          await client.query('insert into schema_migrations (version) values ($1)', [migration.version]);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw new Error(`migration ${migration.version} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        done.push(migration.version);
      }
      return done;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [advisoryLockKey(`migrate:${schema}`)]);
    }
  } finally {
    client.release();
  }
}

/**
 * Refuses a schema that lacks migrations, for processes that must not
 * migrate (`opais serve` runs under a read-only role): they say what is
 * missing instead of failing later on a table that is not there.
 */
export async function assertMigrated(pool: pg.Pool, schema: string): Promise<void> {
  const { rows } = await pool
    .query<{ version: string }>(`select version from ${schema}.schema_migrations`)
    .catch((error: { code?: string }) => {
      if (error.code === '42P01') return { rows: [] }; // no such table (or schema): nothing applied
      throw error;
    });
  const applied = new Set(rows.map((row) => row.version));
  const missing = listMigrations()
    .map((migration) => migration.version)
    .filter((version) => !applied.has(version));
  if (missing.length > 0) {
    throw new OpaisError(
      'SCHEMA_NOT_MIGRATED',
      `schema ${schema} lacks migration(s) ${missing.join(', ')}; run \`opais migrate\` as the schema's owner (this command never migrates)`,
      { schema, missing },
    );
  }
}
