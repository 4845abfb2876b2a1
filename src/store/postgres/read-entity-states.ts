import type pg from 'pg';
import type { CanonicalEntity } from '../../events/event-types.ts';
import { type StateRef, stateKey } from '../../events/upcast-entity-changed.ts';
import * as plans from './plans.ts';

/** The entities that some stream versions' events carry, keyed by stateKey; a version without an entity is left out. */
export async function readEntityStates(
  pool: pg.Pool,
  refs: readonly StateRef[],
): Promise<Map<string, CanonicalEntity>> {
  const { rows } = await pool.query<{ stream_id: string; stream_version: number; entity: CanonicalEntity }>(
    plans.readEntityStates,
    [refs.map((ref) => ref.streamId), refs.map((ref) => ref.streamVersion)],
  );
  return new Map(
    rows.map((row) => [stateKey({ streamId: row.stream_id, streamVersion: row.stream_version }), row.entity]),
  );
}
