import { isKurrentDbUnavailable } from '../src/store/kurrentdb/unavailable.ts';

/**
 * Whether an error is the database (or the KurrentDB event store) being unreachable or interrupting us
 * (connection lost, server shutting down, out of resources, a deadlock or
 * serialization retry) rather than a projector failing on the data. Only the
 * latter stops a projector; the former is retried.
 */
export function isTransientError(error: unknown): boolean {
  if (isKurrentDbUnavailable(error)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(08|53|57P|40)/.test(code)) return true; // SQLSTATE classes
    if (/^E[A-Z]+$/.test(code)) return true; // Node socket errors: ECONNREFUSED, ECONNRESET, EPIPE...
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}
