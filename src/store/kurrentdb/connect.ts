import { AccessDeniedError, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { OpaisError } from '../../errors.ts';
import { normaliseConnectionString, redactConnectionString } from './connection-string.ts';
import { readLastMarker } from './read-log.ts';

/** How long the first request may take before the server counts as unreachable. */
const probeDeadlineMs = 10_000;

/**
 * A client for EVENTSTORE_CONNECTION_STRING, checked with one read, so that
 * a missing or unreachable server is one clear EVENT_STORE_UNAVAILABLE
 * (its own exit code) at start-up and not a gRPC error later.
 */
export async function connectKurrentDb(connectionString: string | undefined): Promise<KurrentDBClient> {
  const normalised = normaliseConnectionString(connectionString);
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(normalised);
  } catch (error) {
    throw unavailable(normalised, error);
  }
  try {
    await withDeadline(readLastMarker({ client, namespace: '' }), probeDeadlineMs);
  } catch (error) {
    await client.dispose().catch(() => {});
    throw unavailable(normalised, error);
  }
  return client;
}

function unavailable(connectionString: string, error: unknown): OpaisError {
  if (error instanceof AccessDeniedError) {
    return new OpaisError(
      'EVENT_STORE_UNAVAILABLE',
      `KurrentDB at ${redactConnectionString(connectionString)} does not let this user read $all: give EVENTSTORE_CONNECTION_STRING a user that may (by default one of $admins)`,
      undefined,
      { cause: error },
    );
  }
  // The client's errors carry their kind in `type` (e.g. "unavailable"); the message repeats the class name.
  const reason =
    (error as { type?: unknown }).type ?? (error instanceof Error ? error.message : String(error));
  return new OpaisError(
    'EVENT_STORE_UNAVAILABLE',
    `KurrentDB at ${redactConnectionString(connectionString)} cannot be reached (${reason}); check EVENTSTORE_CONNECTION_STRING and that the server runs`,
    undefined,
    { cause: error },
  );
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
