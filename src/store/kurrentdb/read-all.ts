import type { EventType, StoredEvent } from '../../events/event-types.ts';
import { toStoredEvent } from './map-event.ts';
import { readHead, readLog } from './read-log.ts';
import { categoryPrefixes, type KurrentLog } from './vocabulary.ts';

/** Events after a global position, in global order, up to the head (never part of an unfinished snapshot). */
export async function readAll(
  log: KurrentLog,
  { after = 0, limit = 1000, types }: { after?: number; limit?: number; types?: readonly EventType[] } = {},
): Promise<StoredEvent[]> {
  const found: StoredEvent[] = [];
  if (limit <= 0) return found;
  const head = await readHead(log);
  const wanted = types ? new Set<string>(types) : undefined;
  for await (const { event } of readLog(log, { after, until: head }, categoryPrefixes(log, types))) {
    if (wanted && !wanted.has(event.type)) continue;
    found.push(toStoredEvent(log, event));
    if (found.length >= limit) break;
  }
  return found;
}
