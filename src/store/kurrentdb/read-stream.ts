import { StreamNotFoundError } from '@kurrent/kurrentdb-client';
import type { StoredEvent } from '../../events/event-types.ts';
import { toStoredEvent } from './map-event.ts';
import { readHead } from './read-log.ts';
import { type KurrentLog, serverStream } from './vocabulary.ts';

/** One stream's events in version order, without those of an unfinished snapshot. */
export async function readStream(
  log: KurrentLog,
  streamId: string,
  { afterVersion = 0, limit = 10_000 }: { afterVersion?: number; limit?: number } = {},
): Promise<StoredEvent[]> {
  const found: StoredEvent[] = [];
  if (limit <= 0) return found;
  const head = await readHead(log);
  try {
    // Revisions are 0-based: version afterVersion + 1 is revision afterVersion.
    const read = log.client.readStream(serverStream(log, streamId), {
      fromRevision: BigInt(afterVersion),
      maxCount: limit,
    });
    for await (const { event } of read) {
      if (!event) continue;
      const stored = toStoredEvent(log, event);
      if (stored.globalPosition > head) break;
      found.push(stored);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return found;
    throw error;
  }
  return found;
}
