import { isDeepStrictEqual } from 'node:util';
import type { LeafChange } from '../events/change-detail.ts';
import { canonicalValue } from '../snapshot/canonicalise.ts';

/**
 * The scalar leaves at which two canonical objects differ, appended to
 * `changes` in path order. Nested objects are followed to their leaves on
 * both sides, so an address that appears is one change per line of it
 * (`streetAddress.city` from null); an array or a value whose type changed
 * is a leaf as a whole. `skip` names top-level members handled elsewhere
 * (the child collections).
 */
export function leafChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix = '',
  changes: LeafChange[] = [],
  skip?: (key: string) => boolean,
): LeafChange[] {
  for (const key of unionOfKeys(before, after)) {
    if (skip?.(key)) continue;
    const path = prefix + key;
    const from = before[key];
    const to = after[key];
    if (isNested(from, to)) {
      leafChanges(asObject(from), asObject(to), `${path}.`, changes);
    } else if (!isDeepStrictEqual(from, to)) {
      // Canonical form for arrays and objects read back from jsonb (member order is jsonb's own).
      changes.push({ path, from: canonicalValue(from) ?? null, to: canonicalValue(to) ?? null });
    }
  }
  return changes;
}

/** Keys of both objects in code-unit order (the canonical member order). */
export function unionOfKeys(before: object, after: object): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Both sides objects, or one an object and the other absent: followed to the leaves. */
function isNested(from: unknown, to: unknown): boolean {
  return (
    (isPlainObject(from) && (isPlainObject(to) || to === undefined)) ||
    (from === undefined && isPlainObject(to))
  );
}

function asObject(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}
