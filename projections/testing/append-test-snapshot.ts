import type pg from 'pg';
import { entityStreamId } from '../../src/events/stream-names.ts';
import { canonicalEntityJson } from '../../src/snapshot/canonicalise.ts';

/** An entity event as a projection test gives it; `entity` is in the export's shape and is canonicalised here. */
export type TestEvent =
  | {
      type: 'CoveredEntityRegistered' | 'CoveredEntityChanged';
      entity: Record<string, unknown>;
      schemaVersion?: number;
    }
  | { type: 'CoveredEntityRemoved'; id340B: string; ceId: number };

/**
 * Appends one snapshot's events straight into the events table, the way an
 * ingest commits them (one transaction, entity events in the given order
 * then SnapshotIngested, every row with the snapshot's as-of, entity_registry
 * kept in step), so projection tests can state their events exactly,
 * including ones an ingest would never write. Returns the SnapshotIngested
 * event's global position.
 */
export async function appendTestSnapshot(
  pool: pg.Pool,
  asOf: string,
  events: readonly TestEvent[],
): Promise<number> {
  const rows = events.map((event) => {
    const { id340B, ceId } =
      event.type === 'CoveredEntityRemoved' ? event : (event.entity as { id340B: string; ceId: number });
    const data =
      event.type === 'CoveredEntityRemoved'
        ? { id340B, ceId, previousContentHash: 'test' }
        : {
            id340B,
            ceId,
            contentHash: 'test',
            changedPaths: [],
            entity: JSON.parse(canonicalEntityJson(event.entity)),
          };
    const schemaVersion = 'schemaVersion' in event ? (event.schemaVersion ?? 1) : 1;
    return {
      stream_id: entityStreamId(id340B, ceId),
      id340b: id340B,
      ce_id: ceId,
      type: event.type,
      schemaVersion,
      data,
    };
  });
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `with given as (
         select e->>'stream_id' as stream_id, e->>'type' as type, (e->>'schemaVersion')::int as schema_version,
                e->'data' as data, ordinality
           from jsonb_array_elements($1::jsonb) with ordinality as x(e, ordinality)
       ), inserted as (
         insert into events (stream_id, stream_version, event_id, event_type, schema_version, as_of, data)
         select g.stream_id, coalesce(r.stream_version, 0) + 1, gen_random_uuid(), g.type, g.schema_version, $2, g.data
           from given g left join entity_registry r using (stream_id)
          order by g.ordinality
         returning stream_id, stream_version, event_type
       )
       insert into entity_registry (stream_id, id340b, ce_id, content_hash, stream_version, is_current, as_of)
       select i.stream_id, g.data->>'id340B', (g.data->>'ceId')::bigint, 'test', i.stream_version,
              i.event_type <> 'CoveredEntityRemoved', $2
         from inserted i join given g using (stream_id)
       on conflict (stream_id) do update set stream_version = excluded.stream_version,
         is_current = excluded.is_current, as_of = excluded.as_of`,
      [JSON.stringify(rows), asOf],
    );
    const { rows: snapshot } = await client.query<{ global_position: number }>(
      `insert into events (stream_id, stream_version, event_id, event_type, schema_version, as_of, data)
       values ($1, 1, gen_random_uuid(), 'SnapshotIngested', 1, $2, $3) returning global_position`,
      [`snapshot-${new Date(asOf).toISOString()}`, asOf, { asOf }],
    );
    await client.query('commit');
    return snapshot[0]?.global_position as number;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
