/**
 * A least-recently-used cache of serialised answers that can never change,
 * bounded by their total size (in characters). Two kinds live here: full
 * feed pages (a page that holds `limit` items lies wholly below the head,
 * and since positions are committed in order nothing can ever be added
 * inside it) and entity histories keyed by the store's head position (a
 * stream's events are immutable, so its history up to a position is too).
 */
export interface ResponseCache {
  get(key: string): string | undefined;
  set(key: string, body: string): void;
  readonly size: number;
}

export function createResponseCache(maxBytes: number): ResponseCache {
  const entries = new Map<string, string>();
  let bytes = 0;
  return {
    get(key) {
      const body = entries.get(key);
      if (body !== undefined) {
        // Re-inserting moves the key to the end: the Map's order is recency.
        entries.delete(key);
        entries.set(key, body);
      }
      return body;
    },
    set(key, body) {
      if (body.length > maxBytes) return;
      const previous = entries.get(key);
      if (previous !== undefined) {
        bytes -= previous.length;
        entries.delete(key);
      }
      entries.set(key, body);
      bytes += body.length;
      for (const [oldestKey, oldest] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldestKey);
        bytes -= oldest.length;
      }
    },
    get size() {
      return entries.size;
    },
  };
}
