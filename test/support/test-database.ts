import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.ts';
import { createPool, type Database } from '../../src/db/open-database.ts';
import { openEventStore } from '../../src/store/open-event-store.ts';

/** The local PostgreSQL server the tests run against (CI starts it). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, migrated schema of its own for one test file, dropped by `close`. */
export async function createTestDatabase(prefix = 't'): Promise<Database> {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const pool = createPool(testDatabaseUrl, schema, 6);
  await migrate(pool, schema);
  const store = await openEventStore({
    backend: 'postgres',
    postgres: { pool, connectionString: testDatabaseUrl },
  });
  return {
    pool,
    schema,
    connectionString: testDatabaseUrl,
    store,
    async close() {
      await store.close();
      await pool.end();
      await dropSchema(schema);
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** Environment for a child `opais` process that should use this test schema. */
export function envFor(database: Database): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: testDatabaseUrl, OPAIS_SCHEMA: database.schema };
}
