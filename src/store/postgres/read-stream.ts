import type pg from 'pg';
import type { StoredEvent } from '../../events/event-types.ts';
import { type EventRow, mapStoredEvent } from './map-stored-event.ts';
import * as plans from './plans.ts';

export async function readStream(
  pool: pg.Pool,
  streamId: string,
  options: { afterVersion?: number; limit?: number } = {},
): Promise<StoredEvent[]> {
  const { rows } = await pool.query<EventRow>(plans.readStream, [
    streamId,
    options.afterVersion ?? 0,
    options.limit ?? 10_000,
  ]);
  return rows.map(mapStoredEvent);
}
