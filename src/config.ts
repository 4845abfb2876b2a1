/** Settings that come from the environment, read in one place. */
export interface OpaisConfig {
  /** A PostgreSQL connection string; absent means the embedded server. */
  databaseUrl: string | undefined;
  /** The schema that holds the event store, the projected tables and their checkpoints. */
  schema: string;
  /** Where the embedded server keeps its data. */
  dataDir: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): OpaisConfig {
  const schema = env.OPAIS_SCHEMA ?? 'opais';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`OPAIS_SCHEMA must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`);
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    schema,
    dataDir: env.OPAIS_DATA_DIR ?? '.opais',
  };
}
