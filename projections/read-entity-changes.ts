import { OpaisError } from '../src/errors.ts';
import type { Change } from '../src/events/change-detail.ts';
import {
  type CanonicalEntity,
  type EntityEventType,
  eventSchemaVersions,
} from '../src/events/event-types.ts';
import { isReadableSchemaVersion } from '../src/events/upcast-entity-changed.ts';
import type { EventStoreReader, RecordedEntityEvent } from '../src/store/event-store.ts';
import type { SnapshotBatch } from './snapshot-batch.ts';
import type { EntityKey } from './table-spec.ts';

/** One entity's end state in a snapshot, from the event that produced it. */
export interface EntityChange {
  position: number;
  type: EntityEventType;
  streamId: string;
  /** The version the event gave its stream. */
  streamVersion: number;
  key: EntityKey;
  /** What a Changed event changed (empty for the other types; a version-1 event upcast by the read). */
  changedPaths: readonly string[];
  changes: readonly Change[];
  /** The canonical state after the event; undefined once removed. */
  entity: CanonicalEntity | undefined;
}

/**
 * A snapshot's entity end states in chunks, in global order, through the
 * store's bulk read (each stream once, read ahead while the projectors work
 * on a chunk). An event this build cannot interpret stops the read with
 * PROJECTION_FAILED naming it.
 */
export async function* readEntityChanges(
  store: EventStoreReader,
  batch: SnapshotBatch,
): AsyncGenerator<EntityChange[]> {
  // With detail: the change feed needs every Changed event's changes; only a version-1 event costs a read.
  for await (const chunk of store.readEntityChanges(
    { after: batch.after, until: batch.position },
    { detail: true },
  )) {
    yield chunk.map(toEntityChange);
  }
}

function toEntityChange(event: RecordedEntityEvent): EntityChange {
  const { id340B, ceId, entity } = event.data;
  const problem =
    // The tables need the entity, not the change detail: a version-1 change is read as it is, not upcast.
    !isReadableSchemaVersion(event.type, event.schemaVersion)
      ? `schema version ${event.schemaVersion} is not known (this build writes ${eventSchemaVersions[event.type]})`
      : typeof id340B !== 'string' || id340B === ''
        ? 'id340B is missing'
        : typeof ceId !== 'number' || !Number.isSafeInteger(ceId)
          ? 'ceId is not an integer'
          : event.type !== 'CoveredEntityRemoved' &&
              (typeof entity !== 'object' || entity === null || Array.isArray(entity))
            ? 'entity is missing'
            : undefined;
  if (problem) {
    throw new OpaisError(
      'PROJECTION_FAILED',
      `event ${event.position} (${event.type} of ${event.streamId}) cannot be read: ${problem}`,
      { position: event.position, streamId: event.streamId, eventType: event.type },
    );
  }
  return {
    position: event.position,
    type: event.type,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    key: { id340b: id340B as string, ceId: String(ceId) },
    changedPaths: Array.isArray(event.data.changedPaths) ? (event.data.changedPaths as string[]) : [],
    changes: event.data.changes ?? [],
    entity: event.type === 'CoveredEntityRemoved' ? undefined : (entity as CanonicalEntity),
  };
}
