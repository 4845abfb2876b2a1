import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/open-database.ts';
import type { EventStore } from '../src/store/event-store.ts';
import { openEventStore } from '../src/store/open-event-store.ts';

export const defaultBenchDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  databaseUrl: string;
  schema: string;
  /** A pool whose search_path is the schema (for set-up and checks; measured work runs in children). */
  pool: pg.Pool;
  /** The PostgreSQL event store in the schema. */
  store: EventStore;
  /** Environment that points a child (or the `opais` CLI) at this schema. */
  env: NodeJS.ProcessEnv;
}

/** A fresh, migrated schema for one run, dropped afterwards even when the run fails. */
export async function withBenchSchema<T>(
  databaseUrl: string,
  work: (schema: BenchSchema) => Promise<T>,
): Promise<T> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const pool = createPool(databaseUrl, schema, 2);
  try {
    await migrate(pool, schema);
    const store = await openEventStore({
      backend: 'postgres',
      postgres: { pool, connectionString: databaseUrl },
    });
    return await work({
      databaseUrl,
      schema,
      pool,
      store,
      env: { DATABASE_URL: databaseUrl, OPAIS_SCHEMA: schema },
    });
  } finally {
    await pool.query(`drop schema if exists ${schema} cascade`).catch(() => {});
    await pool.end();
  }
}
