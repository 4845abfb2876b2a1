import type pg from 'pg';

export interface RegistryDrift {
  streamId: string;
  /** The registry row as a fold of the events gives it, or null. */
  folded: Record<string, unknown> | null;
  /** The row in entity_registry, or null. */
  stored: Record<string, unknown> | null;
}

/**
 * The ingest writes entity_registry in the same transaction as the events;
 * it must equal a fold of them: per entity stream, its last event's version,
 * content hash (before the event for a removal), whether it is current, its key and as-of.
 */
export async function verifyRegistry(
  pool: pg.Pool,
  limit: number,
): Promise<{ count: number; rows: RegistryDrift[] }> {
  const { rows } = await pool.query<{
    stream_id: string;
    folded: Record<string, unknown> | null;
    stored: Record<string, unknown> | null;
    n: number;
  }>(
    `with folded as (
       select distinct on (stream_id) stream_id, data->>'id340B' as id340b, (data->>'ceId')::bigint as ce_id,
              coalesce(data->>'contentHash', data->>'previousContentHash') as content_hash, stream_version,
              event_type <> 'CoveredEntityRemoved' as is_current, as_of
         from events
        where event_type in ('CoveredEntityRegistered', 'CoveredEntityChanged', 'CoveredEntityRemoved')
        order by stream_id, global_position desc
     ), stored as (
       select stream_id, id340b, ce_id, content_hash, stream_version, is_current, as_of from entity_registry
     ), drift as (
       select coalesce(f.stream_id, s.stream_id) as stream_id,
              case when f.stream_id is null then null else to_jsonb(f) end as folded,
              case when s.stream_id is null then null else to_jsonb(s) end as stored
         from folded f full join stored s using (stream_id)
        where f.stream_id is null or s.stream_id is null
           or (f.id340b, f.ce_id, f.content_hash, f.stream_version, f.is_current, f.as_of)
              is distinct from (s.id340b, s.ce_id, s.content_hash, s.stream_version, s.is_current, s.as_of)
     )
     select stream_id, folded, stored, count(*) over ()::int as n from drift order by stream_id limit $1`,
    [limit],
  );
  return {
    count: rows[0]?.n ?? 0,
    rows: rows.map((row) => ({ streamId: row.stream_id, folded: row.folded, stored: row.stored })),
  };
}
