import { isDeepStrictEqual } from 'node:util';
import type { CanonicalEntity } from '../events/event-types.ts';
import { setCollections } from '../snapshot/canonicalise.ts';

/**
 * The dotted paths at which two canonical entities differ, sorted. Nested
 * objects are followed to their leaves (`streetAddress.zip`); a child
 * collection is a set, so it is named as a whole (`contractPharmacies`),
 * as is any other array. Member order is ignored: the stored state comes
 * back from jsonb, which orders members its own way.
 */
export function changedPaths(before: CanonicalEntity, after: CanonicalEntity): string[] {
  const paths: string[] = [];
  collect(before, after, '', paths);
  return paths.sort();
}

function collect(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix: string,
  paths: string[],
): void {
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const path = prefix + key;
    const a = before[key];
    const b = after[key];
    if (isPlainObject(a) && isPlainObject(b) && !(prefix === '' && setCollections.has(key))) {
      collect(a, b, `${path}.`, paths);
    } else if (!isDeepStrictEqual(a, b)) {
      paths.push(path);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
