import type pg from 'pg';
import type { SnapshotBatch } from './snapshot-batch.ts';

export interface Checkpoint {
  projector: string;
  /** Global position of the last snapshot applied (its SnapshotIngested event); 0 before any. */
  position: number;
  /** That snapshot's as-of in the tables' `timestamp` text form, or null. */
  stamp: string | null;
  error: string | null;
  errorPosition: number | null;
}

export interface ProjectorFailure {
  projector: string;
  /** The event the projector could not apply (or the snapshot's position when no single event is to blame). */
  position: number;
  message: string;
}

export async function ensureCheckpoints(client: pg.ClientBase, projectors: readonly string[]): Promise<void> {
  await client.query(
    'insert into projector_checkpoints (projector) select unnest($1::text[]) on conflict (projector) do nothing',
    [projectors],
  );
}

export async function readCheckpoints(client: pg.ClientBase): Promise<Map<string, Checkpoint>> {
  const { rows } = await client.query<{
    projector: string;
    position: number;
    stamp: string | null;
    error: string | null;
    error_position: number | null;
  }>(
    `select projector, position, to_char(as_of at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as stamp,
            error, error_position
       from projector_checkpoints`,
  );
  return new Map(
    rows.map((row) => [
      row.projector,
      {
        projector: row.projector,
        position: row.position,
        stamp: row.stamp,
        error: row.error,
        errorPosition: row.error_position,
      },
    ]),
  );
}

/** Notified (with the snapshot's position) when projectors commit a snapshot: the API's live feed reads the tables. */
export const projectionsChannel = 'opais_projections';

/** Moves projectors past a snapshot; called in the transaction that wrote their rows (the notice goes out on commit). */
export async function advanceCheckpoints(
  client: pg.ClientBase,
  projectors: readonly string[],
  batch: SnapshotBatch,
): Promise<void> {
  if (projectors.length === 0) return;
  await client.query(
    `update projector_checkpoints
        set position = $2, as_of = $3::timestamptz, updated_at = now(), error = null, error_position = null, error_at = null
      where projector = any($1::text[])`,
    [projectors, batch.position, batch.asOf],
  );
  await client.query('select pg_notify($1, $2)', [projectionsChannel, String(batch.position)]);
}

/** Stops projectors at their position, naming the event they could not apply. */
export async function recordFailures(
  client: pg.ClientBase,
  failures: readonly ProjectorFailure[],
): Promise<void> {
  if (failures.length === 0) return;
  await client.query(
    `update projector_checkpoints c
        set error = f.message, error_position = f.position, error_at = now(), updated_at = now()
       from unnest($1::text[], $2::bigint[], $3::text[]) as f(projector, position, message)
      where c.projector = f.projector`,
    [failures.map((f) => f.projector), failures.map((f) => f.position), failures.map((f) => f.message)],
  );
}
