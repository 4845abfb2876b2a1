import type pg from 'pg';
import type { EventType, StoredEvent } from '../../events/event-types.ts';
import { type EventRow, mapStoredEvent } from './map-stored-event.ts';
import * as plans from './plans.ts';

/**
 * Events after a global position, in global order. Appends are serialised
 * by the ingest lock, so positions become visible in order: remembering the
 * last position read never skips an event.
 */
export async function readAll(
  pool: pg.Pool,
  options: { after?: number; limit?: number; types?: readonly EventType[] } = {},
): Promise<StoredEvent[]> {
  const { rows } = await pool.query<EventRow>(plans.readAll, [
    options.after ?? 0,
    options.limit ?? 1000,
    options.types ?? null,
  ]);
  return rows.map(mapStoredEvent);
}
