import type { RecordedEntityEvent } from '../event-store.ts';
import {
  defaultChunkLimits,
  type IndexedEvent,
  planEntityChangeChunks,
} from '../plan-entity-change-chunks.ts';
import { toRecordedEntityEvent } from './map-event.ts';
import { readHead, readLog } from './read-log.ts';
import { entityCategory, type KurrentLog } from './vocabulary.ts';

/**
 * The projections' bulk read in two passes over the range, so that memory
 * holds one chunk and not a whole first snapshot: the first pass indexes
 * (position, stream, size) and plans the chunks, the second reads each
 * chunk's position range again and keeps the planned events. The range
 * ends at the head whatever the caller asks (the visibility rule).
 */
export async function* readEntityChanges(
  log: KurrentLog,
  range: { after: number; until: number },
  options: { maxEvents?: number; maxBytes?: number } = {},
): AsyncIterable<RecordedEntityEvent[]> {
  const until = Math.min(range.until, await readHead(log));
  const index: IndexedEvent[] = [];
  for await (const { event, position } of readLog(log, { after: range.after, until }, [
    entityCategory(log),
  ])) {
    index.push({ position, streamId: event.streamId, size: JSON.stringify(event.data).length });
  }
  // A read starts at a record's position (an arbitrary offset is not one): the indexed event before the chunk.
  const previous = new Map(
    index.map((event, i) => [event.position, i === 0 ? range.after : index[i - 1]?.position]),
  );
  for (const chunk of planEntityChangeChunks(index, { ...defaultChunkLimits, ...options })) {
    const wanted = new Set(chunk);
    const events: RecordedEntityEvent[] = [];
    const bounds = { after: previous.get(chunk[0] as number) as number, until: chunk.at(-1) as number };
    for await (const { event, position } of readLog(log, bounds, [entityCategory(log)])) {
      if (wanted.has(position)) events.push(toRecordedEntityEvent(log, event));
    }
    yield events;
  }
}
