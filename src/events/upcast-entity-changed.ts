import { entityChanges } from '../diff/entity-changes.ts';
import {
  type CanonicalEntity,
  type CoveredEntityChangedV1,
  type DetailedEvent,
  type EventType,
  eventSchemaVersions,
  type StoredEvent,
} from './event-types.ts';

/**
 * The one upcaster (docs/events.md): a `CoveredEntityChanged` of schema
 * version 1 lacks `changes`; they are computed on read from the stream's
 * previous state (the entity of the event before it, which the log has), so
 * readers see version 2 whatever was stored. Stored events are never
 * rewritten.
 */

/** The versions of each type this build reads: the one it writes, and version 1 of CoveredEntityChanged, upcast. */
export function isReadableSchemaVersion(type: EventType, version: number): boolean {
  return version === eventSchemaVersions[type] || (type === 'CoveredEntityChanged' && version === 1);
}

/** A stream version whose entity state an upcast needs. */
export interface StateRef {
  streamId: string;
  streamVersion: number;
}

/** Reads the entities of some stream versions (a store's read side), keyed by `stateKey`. */
export type ReadStates = (refs: readonly StateRef[]) => Promise<Map<string, CanonicalEntity>>;

export function stateKey(ref: StateRef): string {
  return `${ref.streamVersion}@${ref.streamId}`;
}

/**
 * The events with every version-1 `CoveredEntityChanged` upcast to version 2.
 * Previous states found among the events themselves (a stream read whole)
 * are used as they are; the others are read in one call.
 */
export async function upcastEvents(
  events: readonly StoredEvent[],
  readStates: ReadStates,
): Promise<DetailedEvent[]> {
  const old = events.filter((event) => event.type === 'CoveredEntityChanged' && event.schemaVersion === 1);
  if (old.length === 0) return events as DetailedEvent[];
  const states = new Map<string, CanonicalEntity>();
  for (const event of events) {
    if (event.type === 'CoveredEntityRegistered' || event.type === 'CoveredEntityChanged')
      states.set(stateKey(event), event.data.entity);
  }
  const missing = old
    .map((event) => ({ streamId: event.streamId, streamVersion: event.streamVersion - 1 }))
    .filter((ref) => !states.has(stateKey(ref)));
  if (missing.length > 0) for (const [key, entity] of await readStates(missing)) states.set(key, entity);
  return events.map((event) => {
    if (event.type !== 'CoveredEntityChanged' || event.schemaVersion !== 1) return event as DetailedEvent;
    const ref = { streamId: event.streamId, streamVersion: event.streamVersion - 1 };
    const previous = states.get(stateKey(ref));
    if (!previous)
      throw new Error(`event store has no state for ${ref.streamId} version ${ref.streamVersion}`);
    return { ...event, schemaVersion: 2, data: upcastEntityChanged(event.data, previous) };
  });
}

export function upcastEntityChanged(data: CoveredEntityChangedV1, previous: CanonicalEntity) {
  return { ...data, changes: entityChanges(previous, data.entity) };
}
