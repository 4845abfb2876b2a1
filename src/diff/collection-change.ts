import type { CollectionChange, MemberChange } from '../events/change-detail.ts';
import { canonicalValue } from '../snapshot/canonicalise.ts';
import { leafChanges } from './leaf-changes.ts';
import { keyMembersOf, memberKey } from './member-keys.ts';

interface Member {
  /** The member in canonical form. */
  value: Record<string, unknown>;
  /** Its canonical JSON: identity within the set, and the set's order. */
  json: string;
}

/**
 * How a child collection (a set) differs between two versions, or undefined
 * when it does not. Keyed collections match members by their natural key
 * (src/diff/member-keys.ts): a key on both sides with other content is a
 * changed member (a contract whose terminationDate appears). A key that is
 * not unique on a side (a data anomaly) cannot be matched: its members count
 * as added and removed, as in an unkeyed set. Lists are in the set's
 * canonical order.
 */
export function collectionChange(
  path: string,
  before: unknown,
  after: unknown,
): CollectionChange | undefined {
  const previous = membersOf(before);
  const next = membersOf(after);
  const keys = keyMembersOf(path);
  const added: Member[] = [];
  const removed: Member[] = [];
  const changed: MemberChange[] = [];

  const previousJson = new Set(previous.map((member) => member.json));
  const nextJson = new Set(next.map((member) => member.json));
  const gone = previous.filter((member) => !nextJson.has(member.json));
  const come = next.filter((member) => !previousJson.has(member.json));
  if (keys) {
    const unique = uniqueKeys(previous, next, keys);
    const goneByKey = new Map(gone.map((member) => [keyText(member, keys), member]));
    const matched = new Set<Member>();
    for (const member of come) {
      const key = keyText(member, keys);
      const from = unique.has(key) ? goneByKey.get(key) : undefined;
      if (from) {
        changed.push({ key: memberKey(member.value, keys), changes: leafChanges(from.value, member.value) });
        matched.add(from);
      } else {
        added.push(member);
      }
    }
    removed.push(...gone.filter((member) => !matched.has(member)));
  } else {
    added.push(...come);
    removed.push(...gone);
  }
  if (added.length === 0 && removed.length === 0 && changed.length === 0) return undefined;
  const values = (members: Member[]) => members.map((member) => member.value);
  return keys
    ? { path, added: values(added), removed: values(removed), changed }
    : { path, added: values(added), removed: values(removed) };
}

/** The members of a set in canonical form and order, duplicates once (stored states come back from jsonb). */
function membersOf(collection: unknown): Member[] {
  if (!Array.isArray(collection)) return [];
  const members = new Map<string, Member>();
  for (const item of collection) {
    const value = canonicalValue(item);
    if (value === undefined) continue;
    const json = JSON.stringify(value);
    members.set(json, { value: value as Record<string, unknown>, json });
  }
  return [...members.values()].sort(byJson);
}

/** Keys held by exactly one member on each side: the only ones that can be matched. */
function uniqueKeys(previous: Member[], next: Member[], keys: readonly string[]): Set<string> {
  const counts = new Map<string, [number, number]>();
  for (const [side, members] of [previous, next].entries()) {
    for (const member of members) {
      const key = keyText(member, keys);
      const count = counts.get(key) ?? [0, 0];
      count[side] = (count[side] as number) + 1;
      counts.set(key, count);
    }
  }
  return new Set([...counts].filter(([, [a, b]]) => a === 1 && b === 1).map(([key]) => key));
}

function keyText(member: Member, keys: readonly string[]): string {
  return JSON.stringify(keys.map((name) => member.value[name] ?? null));
}

function byJson(a: Member, b: Member): number {
  return a.json < b.json ? -1 : a.json > b.json ? 1 : 0;
}
