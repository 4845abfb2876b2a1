import type pg from 'pg';
import { isTransientDatabaseError } from '../src/db/database-errors.ts';
import { OpaisError } from '../src/errors.ts';
import type { EventStoreReader } from '../src/store/event-store.ts';
import { currentSchema, projectLockKey } from '../src/store/postgres/plans.ts';
import {
  advanceCheckpoints,
  type Checkpoint,
  ensureCheckpoints,
  type ProjectorFailure,
  readCheckpoints,
  recordFailures,
} from './checkpoints.ts';
import type { Projector } from './projector.ts';
import { projectors as allProjectors } from './projectors.ts';
import { readEntityChanges } from './read-entity-changes.ts';
import { nextSnapshotBatch, type SnapshotBatch } from './snapshot-batch.ts';
import { isAbortedTransaction, WriteBehind } from './write-behind.ts';

export interface CatchUpOptions {
  /** Stop each named projector at this position (verify replays up to the live tables' checkpoints). */
  until?: ReadonlyMap<string, number>;
  /** Try again projectors stopped by an earlier failure (default true: a fixed build resumes them). */
  retryFailed?: boolean;
  /** Checked between snapshots: a snapshot under way is finished, then the catch-up returns. */
  signal?: AbortSignal;
  /** Called after each snapshot's commit; the catch-up waits for a returned promise. */
  onSnapshot?: (progress: SnapshotProgress) => void | Promise<void>;
  projectors?: readonly Projector[];
}

export interface SnapshotProgress {
  batch: SnapshotBatch;
  projectors: string[];
  failures: ProjectorFailure[];
  durationMs: number;
}

export interface CatchUpResult {
  snapshots: number;
  /** Projectors that stopped in this run. */
  failures: ProjectorFailure[];
}

/**
 * Brings the projectors up to the last committed snapshot, one snapshot per
 * transaction: its events are read once from the store (`database.store`;
 * the tables and checkpoints are in `database.pool`), in chunks, handed to every
 * projector still at that snapshot's start, and their rows and checkpoints
 * commit together. Replay is deterministic (effective instants are as-of
 * instants, never the clock), and a crash at any point leaves each
 * checkpoint on a snapshot boundary that matches its rows, so a rerun
 * neither repeats nor skips an event.
 *
 * Concurrent runners (an ingest's catch-up and `opais project --follow`)
 * serialise on an advisory lock per schema and re-read the checkpoints
 * under it, so a snapshot is never applied twice.
 */
export async function catchUpProjections(
  database: { pool: pg.Pool; store: EventStoreReader },
  options: CatchUpOptions = {},
): Promise<CatchUpResult> {
  const projectors = options.projectors ?? allProjectors;
  const client = await database.pool.connect();
  const result: CatchUpResult = { snapshots: 0, failures: [] };
  const stopped = new Set<string>();
  try {
    const { rows } = await client.query<{ schema: string }>(currentSchema);
    const lockKey = projectLockKey(rows[0]?.schema as string);
    await ensureCheckpoints(
      client,
      projectors.map((projector) => projector.name),
    );
    for (;;) {
      if (options.signal?.aborted) break;
      const checkpoints = await readCheckpoints(client);
      const eligible = projectors.filter((projector) => {
        const checkpoint = checkpoints.get(projector.name) as Checkpoint;
        if (stopped.has(projector.name)) return false;
        if (checkpoint.error !== null && options.retryFailed === false) return false;
        return checkpoint.position < (options.until?.get(projector.name) ?? Number.POSITIVE_INFINITY);
      });
      if (eligible.length === 0) break;
      const after = Math.min(
        ...eligible.map((projector) => (checkpoints.get(projector.name) as Checkpoint).position),
      );
      const batch = await nextSnapshotBatch(database.store, after);
      if (!batch) break;
      const started = performance.now();
      const participants = eligible.filter(
        (projector) => checkpoints.get(projector.name)?.position === after,
      );
      const applied = await applySnapshot(client, database.store, lockKey, batch, participants);
      for (const failure of applied.failures) stopped.add(failure.projector);
      result.snapshots += 1;
      result.failures.push(...applied.failures);
      await options.onSnapshot?.({
        batch,
        projectors: applied.projected,
        failures: applied.failures,
        durationMs: performance.now() - started,
      });
    }
    client.release();
    return result;
  } catch (error) {
    // A connection that failed mid-transaction is not reused.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** Thrown inside a snapshot's transaction: these projectors cannot apply it. */
class ProjectorsFailed extends Error {
  readonly failures: ProjectorFailure[];

  constructor(failures: ProjectorFailure[]) {
    super(failures.map((failure) => failure.message).join('; '));
    this.failures = failures;
  }
}

/**
 * Applies one snapshot to the participants in one transaction. When a
 * projector fails, the transaction is rolled back and run again without
 * it, recording its failure in the same commit: the healthy projectors'
 * rows never mix with a half-applied one's.
 */
async function applySnapshot(
  client: pg.PoolClient,
  store: EventStoreReader,
  lockKey: string,
  batch: SnapshotBatch,
  participants: readonly Projector[],
): Promise<{ projected: string[]; failures: ProjectorFailure[] }> {
  let remaining = [...participants];
  const failures: ProjectorFailure[] = [];
  for (;;) {
    await client.query('begin');
    try {
      await client.query('select pg_advisory_xact_lock($1)', [lockKey]);
      const checkpoints = await readCheckpoints(client);
      // Another runner may have applied this snapshot while we waited for the lock.
      remaining = remaining.filter((projector) => checkpoints.get(projector.name)?.position === batch.after);
      const late = remaining.filter((projector) => {
        const stamp = checkpoints.get(projector.name)?.stamp;
        return stamp != null && stamp >= batch.stamp;
      });
      if (late.length > 0) {
        throw new ProjectorsFailed(
          late.map((projector) => ({
            projector: projector.name,
            position: batch.position,
            message: `snapshot ${batch.position} as of ${batch.stamp} is not later than ${checkpoints.get(projector.name)?.stamp}, the last one projected`,
          })),
        );
      }
      if (remaining.length > 0) await project(client, store, batch, remaining);
      await advanceCheckpoints(
        client,
        remaining.map((projector) => projector.name),
        batch,
      );
      await recordFailures(client, failures);
      await client.query('commit');
      return { projected: remaining.map((projector) => projector.name), failures };
    } catch (error) {
      // A rollback on a lost connection fails too; the first error is the one to report.
      await client.query('rollback').catch(() => {});
      if (!(error instanceof ProjectorsFailed)) throw error;
      failures.push(...error.failures);
      const failed = new Set(error.failures.map((failure) => failure.projector));
      remaining = remaining.filter((projector) => !failed.has(projector.name));
    }
  }
}

async function project(
  client: pg.PoolClient,
  store: EventStoreReader,
  batch: SnapshotBatch,
  participants: readonly Projector[],
): Promise<void> {
  const writes = new WriteBehind(client);
  const projections = participants.map((projector) => ({
    projector,
    projection: projector.begin(batch, writes.for(projector.name)),
  }));
  // Reading an event nobody can interpret stops every participant; a projector's own step stops only it.
  const blame = async <T>(blamed: readonly Projector[], step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      throw await failuresAfter(writes, batch, blamed, error);
    }
  };
  const chunks = readEntityChanges(store, batch);
  try {
    for (;;) {
      const next = await blame(participants, () => chunks.next());
      if (next.done) break;
      for (const { projector, projection } of projections) {
        await blame([projector], () => projection.apply(next.value));
        await writes.throttle();
      }
    }
  } finally {
    await chunks.return(undefined);
  }
  for (const { projector, projection } of projections) await blame([projector], () => projection.finish());
  const failed = await writes.settle();
  if (failed.size > 0) throw await failuresAfter(writes, batch, [], undefined);
}

/**
 * What to throw when a step failed (or, with no error, when queued writes
 * did): a transient error as it is, to be retried; otherwise the projectors
 * whose own writes failed, and those blamed for the step unless its error
 * only says that an earlier write had aborted the transaction.
 */
async function failuresAfter(
  writes: WriteBehind,
  batch: SnapshotBatch,
  blamed: readonly Projector[],
  error: unknown,
): Promise<unknown> {
  // Settled first either way: the rollback that follows must not overtake a write still under way.
  const failed = await writes.settle();
  if (error !== undefined && isTransientDatabaseError(error)) return error;
  const transient = [...failed.values()].find(isTransientDatabaseError);
  if (transient !== undefined) return transient;
  const failures = [...failed].map(([projector, cause]) => failureOf(projector, batch, cause));
  if (error !== undefined && (!isAbortedTransaction(error) || failures.length === 0)) {
    for (const projector of blamed)
      if (!failed.has(projector.name)) failures.push(failureOf(projector.name, batch, error));
  }
  return new ProjectorsFailed(failures);
}

function failureOf(projector: string, batch: SnapshotBatch, error: unknown): ProjectorFailure {
  if (error instanceof OpaisError) {
    const position = error.details?.position;
    return {
      projector,
      position: typeof position === 'number' ? position : batch.position,
      message: error.message,
    };
  }
  const pgError = error as { message?: string; detail?: string };
  const message = `snapshot ${batch.position} as of ${batch.stamp} cannot be projected into ${projector}: ${pgError.message ?? String(error)}${pgError.detail ? ` (${pgError.detail})` : ''}`;
  return { projector, position: batch.position, message };
}
