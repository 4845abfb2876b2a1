import type { AllStreamRecordedEvent, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { BACKWARDS, END, streamNameFilter } from '@kurrent/kurrentdb-client';
import { readStartAfter, toGlobalPosition } from './position.ts';
import { snapshotCategory } from './vocabulary.ts';

/**
 * The events of some categories in (after, until], in $all order, read
 * lazily with a server-side filter; leaving the loop early cancels the read.
 */
export async function* readLog(
  client: KurrentDBClient,
  range: { after: number; until: number },
  prefixes: string[],
): AsyncGenerator<{ event: AllStreamRecordedEvent; position: number }> {
  if (range.until <= range.after) return;
  const read = client.readAll({
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
export async function readLastMarker(client: KurrentDBClient): Promise<AllStreamRecordedEvent | undefined> {
  const read = client.readAll({
    direction: BACKWARDS,
    fromPosition: END,
    maxCount: 1,
    filter: streamNameFilter({ prefixes: [snapshotCategory] }),
  });
  for await (const { event } of read) {
    if (event) return event;
  }
  return undefined;
}

/** The head: the position of the last complete snapshot's marker (0 when empty). */
export async function readHead(client: KurrentDBClient): Promise<number> {
  const marker = await readLastMarker(client);
  return marker ? toGlobalPosition(marker.position, `${marker.streamId}@${marker.revision}`) : 0;
}
