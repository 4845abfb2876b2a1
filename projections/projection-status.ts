import type pg from 'pg';
import type { AppliedSnapshot, EventStoreReader } from '../src/store/event-store.ts';
import { projectors } from './projectors.ts';

export interface ProjectorStatus {
  projector: string;
  /** Global position of the last snapshot applied (0: none). */
  position: number;
  /** As-of of that snapshot (ISO), or null. */
  asOf: string | null;
  /** Events committed after `position`. */
  lagEvents: number;
  /** How long the oldest event not yet projected has been waiting (0 when caught up). */
  lagSeconds: number;
  /** Why the projector stopped, naming the event, or null. */
  error: string | null;
  errorPosition: number | null;
}

/**
 * Each projector's position and lag, for `opais status` and the API's
 * health. The lag is read from the store's snapshot list, which every
 * backend answers without counting its log: a checkpoint is always a
 * snapshot's position, and the snapshots after it hold their entity events
 * (their counts) and their SnapshotIngested event; the oldest of them has
 * waited since its commit.
 */
export async function projectionStatus(database: {
  pool: pg.Pool;
  store: EventStoreReader;
}): Promise<ProjectorStatus[]> {
  const [{ rows }, snapshots] = await Promise.all([
    database.pool.query<{
      projector: string;
      position: number;
      as_of: Date | null;
      error: string | null;
      error_position: number | null;
    }>(
      `select p.projector, coalesce(c.position, 0) as position, c.as_of, c.error, c.error_position
         from unnest($1::text[]) with ordinality as p(projector, ordinal)
         left join projector_checkpoints c using (projector)
        order by p.ordinal`,
      [projectors.map((projector) => projector.name)],
    ),
    database.store.listSnapshots(),
  ]);
  const now = Date.now();
  return rows.map((row) => {
    const behind = snapshotsAfter(snapshots, row.position);
    return {
      projector: row.projector,
      position: row.position,
      asOf: row.as_of ? row.as_of.toISOString() : null,
      lagEvents: behind.reduce((sum, snapshot) => sum + eventsOf(snapshot), 0),
      lagSeconds: behind[0] ? Math.max(0, (now - behind[0].ingestedAt.getTime()) / 1000) : 0,
      error: row.error,
      errorPosition: row.error_position,
    };
  });
}

/** The snapshots committed after a position, oldest commit first. */
function snapshotsAfter(snapshots: readonly AppliedSnapshot[], position: number): AppliedSnapshot[] {
  return snapshots
    .filter((snapshot) => snapshot.globalPosition > position)
    .sort((a, b) => a.globalPosition - b.globalPosition);
}

/** A snapshot's events: one per entity registered, changed or removed, and its SnapshotIngested. */
function eventsOf(snapshot: AppliedSnapshot): number {
  return snapshot.counts.registered + snapshot.counts.changed + snapshot.counts.removed + 1;
}
