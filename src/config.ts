/** Settings that come from the environment, read in one place. */
export interface OpaisConfig {
  /** A PostgreSQL connection string; absent means the embedded server. */
  databaseUrl: string | undefined;
  /** The schema that holds the event store, the projected tables and their checkpoints. */
  schema: string;
  /** Where the embedded server keeps its data. */
  dataDir: string;
  /** Which backend keeps the events (EVENT_STORE; the projections are always in PostgreSQL). */
  eventStore: EventStoreBackend;
  /** The KurrentDB server of EVENT_STORE=kurrentdb (EVENTSTORE_CONNECTION_STRING). */
  eventStoreConnectionString: string | undefined;
}

export const eventStoreBackends = ['postgres', 'kurrentdb', 'memory'] as const;
export type EventStoreBackend = (typeof eventStoreBackends)[number];

export function readConfig(env: NodeJS.ProcessEnv = process.env): OpaisConfig {
  const schema = env.OPAIS_SCHEMA ?? 'opais';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`OPAIS_SCHEMA must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`);
  }
  const eventStore = env.EVENT_STORE || 'postgres';
  if (!(eventStoreBackends as readonly string[]).includes(eventStore)) {
    throw new Error(
      `EVENT_STORE must be one of ${eventStoreBackends.join(', ')}, got ${JSON.stringify(eventStore)}`,
    );
  }
  return {
    eventStore: eventStore as EventStoreBackend,
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    schema,
    dataDir: env.OPAIS_DATA_DIR ?? '.opais',
  };
}

/** How the reader runs, and what it holds at most whatever the input (docs/performance.md). */
export interface ReaderSettings {
  /** An entity of coveredEntities larger than this many bytes refuses the snapshot (it is not held). */
  maxElementBytes: number;
  /** A zipped export that inflates to more than this many times its compressed size is refused unread. */
  maxZipRatio: number;
  /** Worker threads that parse elements; undefined: one per core but the reader's own (at most 4). */
  workers: number | undefined;
  /** Element bytes parsed on the reader's own thread before its workers may start. */
  workersAfterBytes: number;
}

/**
 * OPAIS_MAX_ELEMENT_BYTES (default 64 MiB; the largest entity of a real
 * export is a few megabytes), OPAIS_MAX_ZIP_RATIO (default 100; an
 * export's JSON zips about 6:1) and OPAIS_READER_WORKERS (0: parse on the
 * main thread only).
 */
export function readReaderSettings(env: NodeJS.ProcessEnv = process.env): ReaderSettings {
  const workers = env.OPAIS_READER_WORKERS;
  return {
    workers:
      workers === undefined || workers === ''
        ? undefined
        : positiveInteger(env, 'OPAIS_READER_WORKERS', 0, 0),
    maxElementBytes: positiveInteger(env, 'OPAIS_MAX_ELEMENT_BYTES', 64 * 1024 * 1024),
    maxZipRatio: positiveInteger(env, 'OPAIS_MAX_ZIP_RATIO', 100),
    workersAfterBytes: positiveInteger(env, 'OPAIS_READER_WORKERS_AFTER_BYTES', 4 * 1024 * 1024, 0),
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, least = 1): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < least) {
    throw new Error(`${name} must be an integer of at least ${least}, got ${JSON.stringify(text)}`);
  }
  return value;
}
