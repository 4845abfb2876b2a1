import type pg from 'pg';
import type { Change } from '../events/change-detail.ts';
import type { CanonicalEntity, CoveredEntityChangedV1, EntityEventType } from '../events/event-types.ts';
import { upcastEntityChanged } from '../events/upcast-entity-changed.ts';
import { orderedChanges } from '../feed/ordered-changes.ts';
import { canonicalValue } from '../snapshot/canonicalise.ts';

/** One version of an entity: the event that made it and the state after it (none after a removal). */
export interface EntityVersion {
  position: number;
  eventId: string;
  type: EntityEventType;
  streamVersion: number;
  asOf: string;
  recordedAt: string;
  contentHash: string | null;
  changedPaths: string[];
  entity: CanonicalEntity | null;
}

interface Row {
  global_position: number;
  event_id: string;
  event_type: EntityEventType;
  stream_version: number;
  as_of: Date;
  recorded_at: Date;
  content_hash: string | null;
  changed_paths: string[] | null;
  entity: CanonicalEntity | null;
}

const columns = `global_position, event_id, event_type, stream_version, as_of, recorded_at,
  data->>'contentHash' as content_hash, data->'changedPaths' as changed_paths, data->'entity' as entity`;

/** The stream's last version (undefined: never seen); a cheap probe by the (stream_id, stream_version) index. */
export async function readStreamVersion(pool: pg.Pool, streamId: string): Promise<number | undefined> {
  const { rows } = await pool.query<{ version: number | null }>({
    name: 'api-stream-version',
    text: 'select max(stream_version) as version from events where stream_id = $1',
    values: [streamId],
  });
  return rows[0]?.version ?? undefined;
}

/** A version with what its event changed (Changed events; empty for the others). */
export interface DetailedEntityVersion extends EntityVersion {
  changes: Change[];
}

/**
 * Every version of one entity stream, oldest first, each with its change
 * detail: a version-1 CoveredEntityChanged is upcast from the version
 * before it, which the stream read whole already holds.
 */
export async function readEntityHistory(pool: pg.Pool, streamId: string): Promise<DetailedEntityVersion[]> {
  const { rows } = await pool.query<Row & { changes: Change[] | null; schema_version: number }>({
    name: 'api-entity-history',
    text: `select ${columns}, data->'changes' as changes, schema_version from events where stream_id = $1 order by stream_version`,
    values: [streamId],
  });
  return rows.map((row, index) => {
    const version = toVersion(row);
    const previous = rows[index - 1]?.entity;
    const changes =
      row.event_type !== 'CoveredEntityChanged'
        ? []
        : orderedChanges(
            // Version 1 stored no changes (the one upcaster computes them from the version before).
            (row.schema_version !== 1 ? row.changes : null) ??
              (previous && version.entity
                ? upcastEntityChanged({ entity: version.entity } as CoveredEntityChangedV1, previous).changes
                : []),
          );
    return { ...version, changes };
  });
}

/**
 * The entity's version at an instant (time travel over the events: the last
 * event whose snapshot's as-of is not after it), or its latest version.
 */
export async function readEntityVersion(
  pool: pg.Pool,
  streamId: string,
  asOf: string | undefined,
): Promise<EntityVersion | undefined> {
  const { rows } = await pool.query<Row>({
    name: 'api-entity-version',
    text: `select ${columns} from events
            where stream_id = $1 and ($2::timestamptz is null or as_of <= $2::timestamptz)
            order by stream_version desc limit 1`,
    values: [streamId, asOf ?? null],
  });
  return rows[0] ? toVersion(rows[0]) : undefined;
}

function toVersion(row: Row): EntityVersion {
  return {
    position: row.global_position,
    eventId: row.event_id,
    type: row.event_type,
    streamVersion: row.stream_version,
    asOf: row.as_of.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    contentHash: row.content_hash,
    changedPaths: row.changed_paths ?? [],
    // jsonb keeps its members in its own order; sorting them again gives back the canonical form.
    entity: row.entity === null ? null : (canonicalValue(row.entity) as CanonicalEntity),
  };
}
