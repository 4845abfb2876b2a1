import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { EventType, StoredEvent } from '../../events/event-types.ts';
import { toStoredEvent } from './map-event.ts';
import { readHead, readLog } from './read-log.ts';
import { categoryPrefixes } from './vocabulary.ts';

/** Events after a global position, in global order, up to the head (never part of an unfinished snapshot). */
export async function readAll(
  client: KurrentDBClient,
  { after = 0, limit = 1000, types }: { after?: number; limit?: number; types?: readonly EventType[] } = {},
): Promise<StoredEvent[]> {
  const head = await readHead(client);
  const wanted = types ? new Set<string>(types) : undefined;
  const found: StoredEvent[] = [];
  if (limit <= 0) return found;
  for await (const { event } of readLog(client, { after, until: head }, categoryPrefixes(types))) {
    if (wanted && !wanted.has(event.type)) continue;
    found.push(toStoredEvent(event));
    if (found.length >= limit) break;
  }
  return found;
}
