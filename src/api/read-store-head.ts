import type pg from 'pg';
import { type ProjectorStatus, projectionStatus } from '../../projections/projection-status.ts';

export interface StoreHead {
  headPosition: number;
  lastSnapshotAsOf: string | null;
  /** Every projector's position and lag (the projections' own status query). */
  projectors: ProjectorStatus[];
}

/** The event store's head, its latest snapshot and how far each projector is behind. */
export async function readStoreHead(pool: pg.Pool): Promise<StoreHead> {
  const [head, projectors] = await Promise.all([
    pool.query<{ head: number; last_as_of: Date | null }>(
      `select (select coalesce(max(global_position), 0) from events) as head,
              (select max(as_of) from snapshots) as last_as_of`,
    ),
    projectionStatus({ pool }),
  ]);
  const row = head.rows[0];
  return {
    headPosition: row?.head ?? 0,
    lastSnapshotAsOf: row?.last_as_of ? row.last_as_of.toISOString() : null,
    projectors,
  };
}
