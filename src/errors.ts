/**
 * The one catalogue of errors a user can meet, CLI and API alike. Each code
 * is stable (scripts match on it); `httpStatus` is what the API answers and
 * `exitCode` what the CLI exits with.
 */
export const errorCatalogue = {
  SNAPSHOT_MALFORMED: { httpStatus: 422, exitCode: 3, title: 'The snapshot is not a readable OPAIS export' },
  SNAPSHOT_TOO_LARGE: {
    httpStatus: 422,
    exitCode: 3,
    title: 'The snapshot exceeds a configured size limit',
  },
  SOURCE_CHANGED: { httpStatus: 409, exitCode: 3, title: 'The snapshot source changed while it was read' },
  SOURCE_NOT_FOUND: { httpStatus: 404, exitCode: 3, title: 'The snapshot source does not exist' },
  SOURCE_UNSUPPORTED: { httpStatus: 400, exitCode: 2, title: 'The snapshot source is not supported' },
  AS_OF_NOT_LATER: {
    httpStatus: 409,
    exitCode: 4,
    title: 'The as-of instant is not later than the last applied snapshot',
  },
  AS_OF_MISSING: { httpStatus: 400, exitCode: 2, title: 'No as-of instant was given or could be derived' },
  MASS_REMOVAL: { httpStatus: 409, exitCode: 5, title: 'The snapshot would remove too many entities' },
  MASS_CHANGE: { httpStatus: 409, exitCode: 11, title: 'The snapshot would change too many entities' },
  INGEST_BUSY: { httpStatus: 409, exitCode: 6, title: 'Another ingest holds the single-writer lock' },
  STREAM_VERSION_CONFLICT: { httpStatus: 409, exitCode: 6, title: 'A stream was appended to concurrently' },
  PROJECTION_FAILED: { httpStatus: 500, exitCode: 7, title: 'A projector could not apply an event' },
  PROJECTION_DRIFT: { httpStatus: 500, exitCode: 8, title: 'The live tables differ from a fresh rebuild' },
  NOT_PROJECTED: {
    httpStatus: 503,
    exitCode: 13,
    title: 'The projections have not caught up with that snapshot yet (run opais project)',
  },
  INVALID_ARGUMENT: { httpStatus: 400, exitCode: 2, title: 'An argument is not valid' },
  EXPORT_UNKNOWN: { httpStatus: 404, exitCode: 2, title: 'There is no export of that name' },
  FILTER_INVALID: { httpStatus: 400, exitCode: 2, title: 'The filter is not valid' },
  SCHEMA_NOT_OURS: {
    httpStatus: 409,
    exitCode: 2,
    title: 'A schema the command would replace was not made by opais',
  },
  FETCH_FAILED: { httpStatus: 502, exitCode: 10, title: 'The export could not be downloaded' },
  NOT_FOUND: { httpStatus: 404, exitCode: 1, title: 'Not found' },
  CURSOR_UNKNOWN: {
    httpStatus: 422,
    exitCode: 2,
    title: 'The cursor points past the end of this change log',
  },
  UNAUTHORIZED: { httpStatus: 401, exitCode: 1, title: 'A valid bearer token is required' },
  RATE_LIMITED: { httpStatus: 429, exitCode: 1, title: 'Too many requests' },
  URI_TOO_LONG: { httpStatus: 414, exitCode: 2, title: 'The request URI is too long' },
  HEADERS_TOO_LARGE: { httpStatus: 431, exitCode: 2, title: 'The request headers are too large' },
  REQUEST_TIMEOUT: { httpStatus: 408, exitCode: 1, title: 'The request was not received in time' },
  DATABASE_UNAVAILABLE: { httpStatus: 503, exitCode: 9, title: 'The database cannot be reached' },
  EVENT_STORE_UNAVAILABLE: {
    httpStatus: 503,
    exitCode: 12,
    title: 'The KurrentDB event store is not configured or cannot be reached',
  },
  SNAPSHOT_INTERRUPTED: {
    httpStatus: 409,
    exitCode: 6,
    title: 'An earlier snapshot was interrupted; ingest that export again to complete it',
  },
  SCHEMA_NOT_MIGRATED: {
    httpStatus: 503,
    exitCode: 9,
    title: 'The schema lacks migrations this version needs (run opais migrate)',
  },
  INTERNAL: { httpStatus: 500, exitCode: 1, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export class OpaisError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OpaisError';
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return errorCatalogue[this.code].httpStatus;
  }

  get exitCode(): number {
    return errorCatalogue[this.code].exitCode;
  }
}

/** A snapshot that cannot be read, located by file and byte offset or entity index. */
export function snapshotMalformed(
  file: string,
  place: { offset?: number; index?: number },
  reason: string,
): OpaisError {
  const where = snapshotPlace(place);
  return new OpaisError('SNAPSHOT_MALFORMED', `${file}${where ? ` at ${where}` : ''}: ${reason}`, {
    file,
    ...place,
  });
}

/** "entity #3, byte offset 1234", "byte offset 7", or "" when nothing is known. */
export function snapshotPlace(place: { offset?: number; index?: number }): string {
  return [
    place.index !== undefined ? `entity #${place.index}` : undefined,
    place.offset !== undefined ? `byte offset ${place.offset}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}
