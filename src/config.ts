/** Settings that come from the environment, read in one place. */
export interface OpaisConfig {
  /** A PostgreSQL connection string; absent means the embedded server. */
  databaseUrl: string | undefined;
  /** The schema that holds the event store, the projected tables and their checkpoints. */
  schema: string;
  /** Where the embedded server keeps its data. */
  dataDir: string;
  /** Which backend keeps the events (the projections are always in PostgreSQL). */
  eventStore: EventStoreBackend;
}

export const eventStoreBackends = ['postgres', 'memory'] as const;
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
    databaseUrl: env.DATABASE_URL || undefined,
    schema,
    dataDir: env.OPAIS_DATA_DIR ?? '.opais',
  };
}
