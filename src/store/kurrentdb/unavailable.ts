/** The KurrentDB client's kinds of error that mean the server is unreachable or busy, not that a request was wrong. */
const unavailableKinds: ReadonlySet<unknown> = new Set([
  'unavailable',
  'deadline-exceeded',
  'timeout',
  'not-leader',
]);

/**
 * Whether an error from the KurrentDB client is the server being away (to
 * retry, 503 for the API), by the kind the client's errors carry in `type`.
 * Kept free of the client itself, so the projections and the API can ask
 * without loading it.
 */
export function isKurrentDbUnavailable(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && unavailableKinds.has((error as { type?: unknown }).type)
  );
}
