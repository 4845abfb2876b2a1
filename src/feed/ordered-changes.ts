import { keyMembersOf } from '../diff/member-keys.ts';
import { type Change, isCollectionChange, type LeafChange, type MemberKey } from '../events/change-detail.ts';
import { canonicalValue } from '../snapshot/canonicalise.ts';

/**
 * Change detail read back from jsonb (which orders object members its own
 * way) in the order the events define: `{ path, from, to }`,
 * `{ path, added, removed, changed }`, `{ key, changes }`, keys in their
 * natural-key order and members in canonical form.
 */
export function orderedChanges(changes: readonly Change[]): Change[] {
  return changes.map((change) => {
    if (!isCollectionChange(change)) return orderedLeaf(change);
    const member = (value: Record<string, unknown>) =>
      (canonicalValue(value) ?? {}) as Record<string, unknown>;
    return {
      path: change.path,
      added: change.added.map(member),
      removed: change.removed.map(member),
      ...(change.changed
        ? {
            changed: change.changed.map((changed) => ({
              key: orderedKey(change.path, changed.key),
              changes: changed.changes.map(orderedLeaf),
            })),
          }
        : {}),
    };
  });
}

function orderedLeaf(change: LeafChange): LeafChange {
  return {
    path: change.path,
    from: canonicalValue(change.from) ?? null,
    to: canonicalValue(change.to) ?? null,
  };
}

function orderedKey(path: string, key: MemberKey): MemberKey {
  const members = keyMembersOf(path) ?? Object.keys(key).sort();
  return Object.fromEntries(members.map((name) => [name, key[name] ?? null]));
}
