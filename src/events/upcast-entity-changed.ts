import { entityChanges } from '../diff/entity-changes.ts';
import {
  type CanonicalEntity,
  type CoveredEntityChangedV1,
  type CoveredEntityChangedV2,
  type EventType,
  eventSchemaVersions,
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

/** What an upcast needs of an event, whichever read it comes from. */
export interface UpcastableEvent {
  type: string;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  data: unknown;
}

/**
 * The events with every version-1 `CoveredEntityChanged` upcast to version 2.
 * Previous states found among the events themselves (a stream read whole)
 * are used as they are; the others are read in one call.
 */
export async function upcastEvents<E extends UpcastableEvent>(
  events: readonly E[],
  readStates: ReadStates,
): Promise<E[]> {
  const isOld = (event: E) => event.type === 'CoveredEntityChanged' && event.schemaVersion === 1;
  const previousOf = (event: E): StateRef => ({
    streamId: event.streamId,
    streamVersion: event.streamVersion - 1,
  });
  const old = events.filter(isOld);
  if (old.length === 0) return [...events];
  const states = new Map<string, CanonicalEntity>();
  for (const event of events) {
    const { entity } = event.data as { entity?: CanonicalEntity };
    if (entity) states.set(stateKey(event), entity);
  }
  const missing = old.map(previousOf).filter((ref) => !states.has(stateKey(ref)));
  if (missing.length > 0) for (const [key, entity] of await readStates(missing)) states.set(key, entity);
  return events.map((event) => {
    if (!isOld(event)) return event;
    const ref = previousOf(event);
    const previous = states.get(stateKey(ref));
    if (!previous)
      throw new Error(`event store has no state for ${ref.streamId} version ${ref.streamVersion}`);
    return {
      ...event,
      schemaVersion: 2,
      data: upcastEntityChanged(event.data as CoveredEntityChangedV1, previous),
    };
  });
}

export function upcastEntityChanged(
  data: CoveredEntityChangedV1,
  previous: CanonicalEntity,
): CoveredEntityChangedV2 {
  return { ...data, changes: entityChanges(previous, data.entity) };
}
