import type pg from 'pg';
import { type ProjectorStatus, projectionStatus } from '../../projections/projection-status.ts';
import type { EventStoreReader } from '../store/event-store.ts';

export interface StoreHead {
  headPosition: number;
  lastSnapshotAsOf: string | null;
  /** Every projector's position and lag (the projections' own status query). */
  projectors: ProjectorStatus[];
}

/** The event store's head, its latest snapshot and how far each projector is behind. */
export async function readStoreHead(context: { pool: pg.Pool; store: EventStoreReader }): Promise<StoreHead> {
  const [headPosition, lastSnapshot, projectors] = await Promise.all([
    context.store.headPosition(),
    context.store.lastSnapshot(),
    projectionStatus(context),
  ]);
  return {
    headPosition,
    lastSnapshotAsOf: lastSnapshot ? lastSnapshot.asOf.toISOString() : null,
    projectors,
  };
}
