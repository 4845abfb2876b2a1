import type pg from 'pg';
import type { StoredEvent } from '../../events/event-types.ts';
import { type EventRow, mapStoredEvent, storedEventColumns } from './map-stored-event.ts';

export async function readStream(
  pool: pg.Pool,
  streamId: string,
  options: { afterVersion?: number; limit?: number } = {},
): Promise<StoredEvent[]> {
  const { rows } = await pool.query<EventRow>(
    `select ${storedEventColumns} from events
      where stream_id = $1 and stream_version > $2
      order by stream_version limit $3`,
    [streamId, options.afterVersion ?? 0, options.limit ?? 10_000],
  );
  return rows.map(mapStoredEvent);
}
