import type { DetailedEvent, StoredEvent } from '../events/event-types.ts';
import { upcastEvents } from '../events/upcast-entity-changed.ts';
import type { EventStore, ReadAllOptions, ReadStreamOptions, RecordedEntityEvent } from './event-store.ts';

/** A backend's plain reads: events as stored, and the entity states an upcast needs. */
export interface StoredReads {
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  readEntityChanges: EventStore['readEntityChanges'];
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readEntityStates: EventStore['readEntityStates'];
}

type DetailedReads = Pick<EventStore, 'readAll' | 'readEntityChanges' | 'readStream' | 'readEntityStates'>;

/**
 * The store's reads with the `detail` option, the same for every backend:
 * a reader that asks for the change detail gets every version-1
 * CoveredEntityChanged upcast (src/events/upcast-entity-changed.ts); one
 * that does not (the tables' bulk read) pays nothing for it.
 */
export function withChangeDetail(reads: StoredReads): DetailedReads {
  const detailed = async (options: { detail?: boolean } | undefined, read: Promise<StoredEvent[]>) =>
    options?.detail ? (upcastEvents(await read, reads.readEntityStates) as Promise<DetailedEvent[]>) : read;
  return {
    readAll: ((options) => detailed(options, reads.readAll(options))) as EventStore['readAll'],
    readEntityChanges: (range, options) =>
      options?.detail
        ? upcastChunks(reads.readEntityChanges(range, options), reads.readEntityStates)
        : reads.readEntityChanges(range, options),
    readStream: ((streamId, options) =>
      detailed(options, reads.readStream(streamId, options))) as EventStore['readStream'],
    readEntityStates: reads.readEntityStates,
  };
}

/** The bulk read's chunks with their version-1 changes upcast, the previous states of a chunk read in one call. */
async function* upcastChunks(
  chunks: AsyncIterable<RecordedEntityEvent[]>,
  readEntityStates: EventStore['readEntityStates'],
): AsyncGenerator<RecordedEntityEvent[]> {
  for await (const chunk of chunks) yield await upcastEvents(chunk, readEntityStates);
}
