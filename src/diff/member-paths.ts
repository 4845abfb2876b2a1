import { isDeepStrictEqual } from 'node:util';
import type { CanonicalEntity } from '../events/event-types.ts';
import { setCollections } from '../snapshot/canonicalise.ts';
import { isPlainObject } from './leaf-changes.ts';

/**
 * Which member paths appeared or vanished across a snapshot, from the
 * entities it changed: a path that more than half of the changed entities
 * gained (absent in the previous version, present in the new one), and one
 * that more than half lost. When HRSA adds a member to every entity, every
 * content hash changes and this names the member
 * (`medicareProviderNumber`) beside the mass-change guard's refusal; on an
 * ordinary day no path is gained or lost by most of the changes.
 * Only the top-level members that differ are walked: the others have the
 * same paths in both versions.
 */
export class MemberPaths {
  private changed = 0;
  private readonly gained = new Map<string, number>();
  private readonly lost = new Map<string, number>();

  add(before: CanonicalEntity, after: CanonicalEntity): void {
    this.changed += 1;
    const previous = new Set<string>();
    const next = new Set<string>();
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (isDeepStrictEqual(before[key], after[key])) continue;
      collectPaths({ [key]: before[key] }, '', previous);
      collectPaths({ [key]: after[key] }, '', next);
    }
    count(next, previous, this.gained);
    count(previous, next, this.lost);
  }

  /** Paths more than half of the changed entities gained, sorted. */
  appeared(): string[] {
    return this.mostOf(this.gained);
  }

  /** Paths more than half of the changed entities lost, sorted. */
  vanished(): string[] {
    return this.mostOf(this.lost);
  }

  private mostOf(counts: Map<string, number>): string[] {
    return [...counts]
      .filter(([, entities]) => entities * 2 > this.changed)
      .map(([path]) => path)
      .sort();
  }
}

/** Adds one to the count of each path in `a` and not in `b`. */
function count(a: Set<string>, b: Set<string>, counts: Map<string, number>): void {
  for (const path of a) if (!b.has(path)) counts.set(path, (counts.get(path) ?? 0) + 1);
}

/**
 * The paths of an entity's leaves: `streetAddress.city`, and for the members
 * of a child collection `contractPharmacies[].address.city`.
 */
export function collectPaths(value: Record<string, unknown>, prefix: string, into: Set<string>): Set<string> {
  for (const key in value) {
    const path = prefix + key;
    const member = value[key];
    if (member === undefined) continue;
    if (isPlainObject(member)) {
      collectPaths(member, `${path}.`, into);
    } else if (prefix === '' && setCollections.has(key) && Array.isArray(member)) {
      for (const item of member) {
        if (isPlainObject(item)) collectPaths(item, `${path}[].`, into);
        else into.add(`${path}[]`);
      }
    } else {
      into.add(path);
    }
  }
  return into;
}
