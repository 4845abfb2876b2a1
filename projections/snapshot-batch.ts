import type { EventStoreReader } from '../src/store/event-store.ts';

/**
 * One snapshot's events as the projectors apply them: everything after
 * `after` up to and including the snapshot's SnapshotIngested event. An
 * ingest commits a snapshot's events in one transaction, SnapshotIngested
 * last, so checkpoints always sit on such a boundary.
 */
export interface SnapshotBatch {
  after: number;
  /** Global position of the SnapshotIngested event: the checkpoint after this batch. */
  position: number;
  /** The as-of as a timestamptz literal (UTC, microseconds). */
  asOf: string;
  /** The as-of as the tables' `timestamp` (UTC, no zone): effective/expiration instants. */
  stamp: string;
}

export async function nextSnapshotBatch(
  store: EventStoreReader,
  after: number,
): Promise<SnapshotBatch | undefined> {
  const [marker] = await store.readAll({ after, limit: 1, types: ['SnapshotIngested'] });
  if (!marker) return undefined;
  // As-of instants are JavaScript dates (milliseconds); the tables' text form has microseconds.
  const iso = marker.asOf;
  const stamp = `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
  return { after, position: marker.globalPosition, asOf: `${stamp}+00`, stamp };
}
