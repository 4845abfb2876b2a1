import type { StoredEvent } from '../../events/event-types.ts';

export interface EventRow {
  global_position: number;
  stream_id: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  as_of: Date;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
}

export function mapStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: row.global_position,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    asOf: row.as_of.toISOString(),
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
  } as StoredEvent;
}
