import type pg from 'pg';
import type { CanonicalEntity } from '../../events/event-types.ts';
import { type StateRef, stateKey } from '../../events/upcast-entity-changed.ts';

/** The entities that some stream versions' events carry, keyed by stateKey; a version without an entity is left out. */
export async function readEntityStates(
  pool: pg.Pool,
  refs: readonly StateRef[],
): Promise<Map<string, CanonicalEntity>> {
  const { rows } = await pool.query<{ stream_id: string; stream_version: number; entity: CanonicalEntity }>(
    `select e.stream_id, e.stream_version, e.data->'entity' as entity
       from unnest($1::text[], $2::int[]) as wanted(stream_id, stream_version)
       join events e using (stream_id, stream_version)
      where e.data ? 'entity'`,
    [refs.map((ref) => ref.streamId), refs.map((ref) => ref.streamVersion)],
  );
  return new Map(
    rows.map((row) => [stateKey({ streamId: row.stream_id, streamVersion: row.stream_version }), row.entity]),
  );
}
