import type pg from 'pg';

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
  client: pg.ClientBase,
  after: number,
): Promise<SnapshotBatch | undefined> {
  const { rows } = await client.query<{ position: number; stamp: string }>(
    `select global_position as position, to_char(as_of at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as stamp
       from events where event_type = 'SnapshotIngested' and global_position > $1
      order by global_position limit 1`,
    [after],
  );
  const row = rows[0];
  return row ? { after, position: row.position, asOf: `${row.stamp}+00`, stamp: row.stamp } : undefined;
}
