import type { RegistryEntry } from '../store/event-store.ts';

export type Classification = 'registered' | 'changed' | 'unchanged';

/**
 * A key not current before is registered (new, or back after a removal); a
 * current key with another content hash is changed (docs/data-contract.md#events).
 */
export function classifyElement(previous: RegistryEntry | undefined, contentHash: string): Classification {
  if (!previous?.isCurrent) return 'registered';
  return previous.contentHash === contentHash ? 'unchanged' : 'changed';
}

/** Keys current before the snapshot and absent from it are removed. */
export function* removedStreams(
  registry: Map<string, RegistryEntry>,
  seen: { has(streamId: string): boolean },
): Generator<string> {
  for (const [streamId, entry] of registry) {
    if (entry.isCurrent && !seen.has(streamId)) yield streamId;
  }
}
