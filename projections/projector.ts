import { OpaisError } from '../src/errors.ts';
import type { EntityChange } from './read-entity-changes.ts';
import type { SnapshotBatch } from './snapshot-batch.ts';
import type { Writes } from './write-behind.ts';

/**
 * A projector owns one table and a checkpoint. The runner applies a whole
 * snapshot per transaction: `begin`, then `apply` for each chunk of entity
 * changes, then `finish` (where cross-entity tables decide on the
 * snapshot's end state). An error thrown from any of them stops this
 * projector at the snapshot; the others go on.
 */
export interface Projector {
  readonly name: string;
  begin(batch: SnapshotBatch, writes: Writes): SnapshotProjection;
}

export interface SnapshotProjection {
  apply(changes: readonly EntityChange[]): Promise<void>;
  finish(): Promise<void>;
}

/** Runs the pure derivation of one event's rows, naming the event if its state cannot be projected. */
export function deriveFor<T>(change: EntityChange, table: string, derive: () => T): T {
  try {
    return derive();
  } catch (error) {
    const reason = error instanceof OpaisError ? error.message : String(error);
    throw new OpaisError(
      'PROJECTION_FAILED',
      `event ${change.position} (${change.type} of ${change.streamId}) cannot be projected into ${table}: ${reason}`,
      { position: change.position, streamId: change.streamId, eventType: change.type, table },
      { cause: error },
    );
  }
}
