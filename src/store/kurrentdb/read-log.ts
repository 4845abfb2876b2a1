import type { AllStreamRecordedEvent } from '@kurrent/kurrentdb-client';
import { BACKWARDS, END, streamNameFilter } from '@kurrent/kurrentdb-client';
import { readStartAfter, toGlobalPosition } from './position.ts';
import { type KurrentLog, snapshotCategory } from './vocabulary.ts';

/**
 * The events of some categories in (after, until], in $all order, read
 * lazily with a server-side filter; leaving the loop early cancels the read.
 */
export async function* readLog(
  log: KurrentLog,
  range: { after: number; until: number },
  prefixes: string[],
): AsyncGenerator<{ event: AllStreamRecordedEvent; position: number }> {
  if (range.until <= range.after) return;
  const read = log.client.readAll({
    fromPosition: readStartAfter(range.after),
    filter: streamNameFilter({ prefixes }),
  });
  for await (const { event } of read) {
    if (!event) continue;
    const position = toGlobalPosition(event.position, `${event.streamId}@${event.revision}`);
    if (position <= range.after) continue;
    if (position > range.until) return;
    yield { event, position };
  }
}

/** The last SnapshotIngested marker, read backwards from the end of $all. */
export async function readLastMarker(log: KurrentLog): Promise<AllStreamRecordedEvent | undefined> {
  const read = log.client.readAll({
    direction: BACKWARDS,
    fromPosition: END,
    maxCount: 1,
    filter: streamNameFilter({ prefixes: [snapshotCategory(log)] }),
  });
  for await (const { event } of read) {
    if (event) return event;
  }
  return undefined;
}

/** The head: the position of the last complete snapshot's marker (0 when empty). */
export async function readHead(log: KurrentLog): Promise<number> {
  const marker = await readLastMarker(log);
  return marker ? toGlobalPosition(marker.position, `${marker.streamId}@${marker.revision}`) : 0;
}
