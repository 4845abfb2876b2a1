import type {
  AllStreamRecordedEvent,
  AppendStreamState,
  JSONEventData,
  RecordedEvent,
} from '@kurrent/kurrentdb-client';
import { NO_STREAM } from '@kurrent/kurrentdb-client';
import { OpaisError } from '../../errors.ts';
import { deterministicEventId } from '../../events/event-id.ts';
import { type EventType, eventSchemaVersions, type StoredEvent } from '../../events/event-types.ts';
import type { RecordedEntityEvent } from '../event-store.ts';
import { toGlobalPosition } from './position.ts';
import {
  isEntityEventType,
  isEventType,
  type KurrentLog,
  ourStream,
  type StoredMetadata,
} from './vocabulary.ts';

const utf8 = new TextDecoder();

/** An event to append: what the port's session knows of it. */
export interface EventToWrite {
  streamId: string;
  /** 1-based, as in PostgreSQL; KurrentDB's revision is one less. */
  streamVersion: number;
  type: EventType;
  /** UTF-8 JSON. */
  data: Uint8Array;
}

/**
 * The event as KurrentDB stores it: type and data as in PostgreSQL, the id
 * derived from (snapshot, stream, version) exactly as there, so that a
 * retried append of the same snapshot carries the same ids and the server
 * recognises it.
 */
export function toEventData(event: EventToWrite, asOf: string, snapshotStream: string): JSONEventData {
  const metadata: StoredMetadata = { asOf, snapshotStream, schemaVersion: eventSchemaVersions[event.type] };
  return {
    id: deterministicEventId(snapshotStream, event.streamId, event.streamVersion),
    contentType: 'application/json',
    type: event.type,
    data: JSON.parse(utf8.decode(event.data)),
    metadata: { ...metadata },
  };
}

/** The expected state of a stream before it takes `streamVersion`: no stream for the first event, else the revision before. */
export function expectedStateFor(streamVersion: number): AppendStreamState {
  return streamVersion === 1 ? NO_STREAM : BigInt(streamVersion - 2);
}

/** A recorded event of our categories, as the port's StoredEvent (its metadata as in PostgreSQL). */
export function toStoredEvent(
  log: Pick<KurrentLog, 'namespace'>,
  event: RecordedEvent | AllStreamRecordedEvent,
): StoredEvent {
  const where = `${event.streamId}@${event.revision}`;
  if (!isEventType(event.type) || !event.isJson) {
    throw new OpaisError(
      'INTERNAL',
      `${where}: ${event.type} is not an opais event (written by another program?)`,
    );
  }
  const metadata = readMetadata(event.metadata, where);
  return {
    globalPosition: toGlobalPosition(event.position, where),
    streamId: ourStream(log, event.streamId),
    streamVersion: Number(event.revision) + 1,
    eventId: event.id,
    type: event.type,
    schemaVersion: metadata.schemaVersion,
    asOf: metadata.asOf,
    data: event.data as unknown,
    metadata: { asOf: metadata.asOf, snapshotStream: metadata.snapshotStream },
    recordedAt: event.created.toISOString(),
  } as StoredEvent;
}

/** A recorded entity event as the projections' bulk read hands it over. */
export function toRecordedEntityEvent(
  log: Pick<KurrentLog, 'namespace'>,
  event: RecordedEvent | AllStreamRecordedEvent,
): RecordedEntityEvent {
  const stored = toStoredEvent(log, event);
  if (!isEntityEventType(stored.type)) {
    throw new OpaisError(
      'INTERNAL',
      `${stored.streamId}@${event.revision}: ${stored.type} is not an entity event`,
    );
  }
  return {
    position: stored.globalPosition,
    type: stored.type,
    schemaVersion: stored.schemaVersion,
    streamId: stored.streamId,
    streamVersion: stored.streamVersion,
    data: stored.data as RecordedEntityEvent['data'],
  };
}

export function readMetadata(metadata: unknown, where: string): StoredMetadata {
  const { asOf, snapshotStream, schemaVersion } = (metadata ?? {}) as Partial<StoredMetadata>;
  if (typeof asOf !== 'string' || typeof snapshotStream !== 'string' || typeof schemaVersion !== 'number') {
    throw new OpaisError(
      'INTERNAL',
      `${where}: the event's metadata lacks asOf, snapshotStream or schemaVersion`,
    );
  }
  return { asOf, snapshotStream, schemaVersion };
}
