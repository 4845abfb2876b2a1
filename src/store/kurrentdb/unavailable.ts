import { OpaisError } from '../../errors.ts';

/** The KurrentDB client's kinds of error that mean the server is unreachable or busy, not that a request was wrong. */
const unavailableKinds: ReadonlySet<unknown> = new Set([
  'unavailable',
  'deadline-exceeded',
  'timeout',
  'not-leader',
]);

/**
 * Whether an error from the KurrentDB client is the server being away (to
 * retry for the projectors, 503 for the API, exit 12 for the CLI), by the
 * kind the client's errors carry in `type`. Kept free of the client itself,
 * so that the callers can ask without loading it.
 */
export function isKurrentDbUnavailable(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && unavailableKinds.has((error as { type?: unknown }).type)
  );
}

/** The catalogue's answer to a KurrentDB server that stopped answering in the middle of the work. */
export function eventStoreUnavailable(error: unknown): OpaisError {
  return new OpaisError(
    'EVENT_STORE_UNAVAILABLE',
    `the KurrentDB event store cannot be reached or is too busy (${(error as { type?: unknown }).type}); try again shortly`,
    undefined,
    { cause: error },
  );
}
