import { isDeepStrictEqual } from 'node:util';
import type { Change } from '../events/change-detail.ts';
import type { CanonicalEntity } from '../events/event-types.ts';
import { setCollections } from '../snapshot/canonicalise.ts';
import { collectionChange } from './collection-change.ts';
import { leafChanges, unionOfKeys } from './leaf-changes.ts';

/**
 * What differs between an entity's previous and new canonical state, in
 * path order: each scalar leaf with its value before and after, and each
 * child collection as its members added, removed and changed
 * (docs/events.md). Member order in the inputs is irrelevant (stored states
 * come back from jsonb), so a state read back and the same state freshly
 * canonicalised give the same changes.
 */
export function entityChanges(before: CanonicalEntity, after: CanonicalEntity): Change[] {
  const changes: Change[] = leafChanges(before, after, '', [], (key) => setCollections.has(key));
  for (const key of unionOfKeys(before, after)) {
    // Most changes leave the collections alone; comparing is cheaper than canonicalising thousands of members.
    if (!setCollections.has(key) || isDeepStrictEqual(before[key], after[key])) continue;
    const change = collectionChange(key, before[key], after[key]);
    if (change) changes.push(change);
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
