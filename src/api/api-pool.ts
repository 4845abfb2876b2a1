import pg from 'pg';

/**
 * The API's own connections. They are read-only at the database level (the
 * API never writes, so a bug or an injected statement cannot either) and a
 * statement that runs away is cancelled rather than holding a connection.
 */
export function createApiPool(options: {
  connectionString: string;
  schema: string;
  max?: number;
  statementTimeoutMs?: number;
}): pg.Pool {
  // The schema goes into a connection option, not a bound parameter: it must be a plain identifier.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema))
    throw new Error(`not a schema name: ${options.schema}`);
  const settings = [
    `-c search_path=${options.schema},public`,
    '-c default_transaction_read_only=on',
    `-c statement_timeout=${options.statementTimeoutMs ?? 10_000}`,
  ];
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 8,
    options: settings.join(' '),
    types: { getTypeParser: typeParser },
  });
  // An idle client's connection error (server restart) must not crash the server; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

// Positions and counts (int8) as JS numbers: they stay far below 2^53.
const typeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser;
