import type pg from 'pg';

/**
 * Rewrites the schema version of one stored event, as an older or newer
 * build might have written it: no port offers this, since no ingest may do
 * it. Tests only.
 */
export async function setEventSchemaVersion(
  pool: pg.Pool,
  event: { streamId: string; streamVersion: number },
  schemaVersion: number,
): Promise<void> {
  await pool.query('update events set schema_version = $3 where stream_id = $1 and stream_version = $2', [
    event.streamId,
    event.streamVersion,
    schemaVersion,
  ]);
}
