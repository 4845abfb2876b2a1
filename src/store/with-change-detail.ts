import type { StoredEvent } from '../events/event-types.ts';
import { upcastEvents } from '../events/upcast-entity-changed.ts';
import type { EventStore, ReadAllOptions, ReadStreamOptions } from './event-store.ts';

/** A backend's plain reads: events as stored, and the entity states an upcast needs. */
export interface StoredReads {
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readEntityStates: EventStore['readEntityStates'];
}

/**
 * The store's reads with the `detail` option, the same for every backend:
 * a reader that asks for the change detail gets every version-1
 * CoveredEntityChanged upcast (src/events/upcast-entity-changed.ts); one
 * that does not (the projections' bulk read) pays nothing for it.
 */
export function withChangeDetail(
  reads: StoredReads,
): Pick<EventStore, 'readAll' | 'readStream' | 'readEntityStates'> {
  const detailed = async (options: { detail?: boolean } | undefined, read: Promise<StoredEvent[]>) =>
    options?.detail ? upcastEvents(await read, reads.readEntityStates) : read;
  return {
    readAll: ((options) => detailed(options, reads.readAll(options))) as EventStore['readAll'],
    readStream: ((streamId, options) =>
      detailed(options, reads.readStream(streamId, options))) as EventStore['readStream'],
    readEntityStates: reads.readEntityStates,
  };
}
