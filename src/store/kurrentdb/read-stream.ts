import { type KurrentDBClient, StreamNotFoundError } from '@kurrent/kurrentdb-client';
import type { StoredEvent } from '../../events/event-types.ts';
import { toStoredEvent } from './map-event.ts';
import { readHead } from './read-log.ts';

/** One stream's events in version order, without those of an unfinished snapshot. */
export async function readStream(
  client: KurrentDBClient,
  streamId: string,
  { afterVersion = 0, limit = 10_000 }: { afterVersion?: number; limit?: number } = {},
): Promise<StoredEvent[]> {
  const head = await readHead(client);
  const found: StoredEvent[] = [];
  if (limit <= 0) return found;
  try {
    // Revisions are 0-based: version afterVersion + 1 is revision afterVersion.
    for await (const { event } of client.readStream(streamId, {
      fromRevision: BigInt(afterVersion),
      maxCount: limit,
    })) {
      if (!event) continue;
      const stored = toStoredEvent(event);
      if (stored.globalPosition > head) break;
      found.push(stored);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return found;
    throw error;
  }
  return found;
}
