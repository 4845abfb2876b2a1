import type { OpaisConfig } from '../config.ts';
import { OpaisError } from '../errors.ts';

/**
 * The one classifier of database failures, used by the API (503), the
 * projectors (retry instead of stopping) and the CLI (exit code 9).
 *
 * "Unavailable" is anything that says the database cannot be used right now,
 * whatever the statement: it cannot be reached, refuses or drops the
 * connection, is starting up or shutting down, is out of connection slots or
 * other resources, does not exist, or does not accept our credentials.
 * "Transient" adds what a retry of the same work may get past: a
 * serialization failure, a deadlock, a cancelled (timed-out) statement or a
 * lock not obtained in time.
 */

// SQLSTATE classes: 08 connection exception, 53 insufficient resources (53300 too many connections), 57P
// operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), 28 invalid
// authorization (wrong password, unknown role), 3D000 the database does not exist.
const unavailableSqlState = /^(08|53|57P|28)|^3D000$/;
const retrySqlState = /^(40001|40P01|57014|55P03)$/;
// Node socket and resolver errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ENOTFOUND, EHOSTUNREACH, EAI_AGAIN...
const socketErrorCode = /^E[A-Z_]+$/;
// What pg itself throws when a connection is lost or never made (these carry no code), and PostgreSQL's
// "database ... is not currently accepting connections" (55000, a class shared with unrelated errors).
const unavailableMessage =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|is not currently accepting connections/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some((cause) => {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableSqlState.test(code) || socketErrorCode.test(code)))
      return true;
    return unavailableMessage.test(cause instanceof Error ? cause.message : '');
  });
}

export function isTransientDatabaseError(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && retrySqlState.test(code);
}

/** The error, what it wraps (`cause`) and, for a failed connection to several addresses, each attempt's error. */
function causes(error: unknown): unknown[] {
  const found: unknown[] = [];
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > 4) return;
    found.push(value);
    visit((value as { cause?: unknown }).cause, depth + 1);
    const errors = (value as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const each of errors) visit(each, depth + 1);
  };
  visit(error, 0);
  return found;
}

/** A connection string fit for messages and logs: the password (in the user part or a parameter) hidden. */
export function redactConnectionString(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '****';
    for (const name of [...url.searchParams.keys()])
      if (/pass/i.test(name)) url.searchParams.set(name, '****');
    return url.toString();
  } catch {
    // Not a URL (a libpq key=value string): hide every password=... value.
    return connectionString.replace(/(password\s*=\s*)(?:'[^']*'|\S+)/gi, '$1****');
  }
}

/** DATABASE_UNAVAILABLE naming the database (`where`, already free of secrets) and the driver's reason. */
export function databaseUnavailable(where: string, error: unknown): OpaisError {
  // A connection refused on every address of a name is an AggregateError with an empty message of its own.
  const reason =
    causes(error)
      .map((cause) => (cause instanceof Error ? cause.message : ''))
      .find(Boolean) ?? String(error);
  return new OpaisError('DATABASE_UNAVAILABLE', `cannot use the database ${where}: ${reason}`, undefined, {
    cause: error,
  });
}

/** The configured database, for messages: its connection string without the password, or the embedded server. */
export function describeDatabase(config: OpaisConfig): string {
  return config.databaseUrl
    ? redactConnectionString(config.databaseUrl)
    : `(the embedded PostgreSQL in ${config.dataDir})`;
}
