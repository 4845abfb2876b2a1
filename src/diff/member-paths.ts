import type { CanonicalEntity } from '../events/event-types.ts';
import { setCollections } from '../snapshot/canonicalise.ts';
import { isPlainObject } from './leaf-changes.ts';

/**
 * Which member paths appeared or vanished across a snapshot, from the
 * entities it changed: a path that the new versions have and none of the
 * previous versions had (and the reverse). When HRSA adds a member to every
 * entity, every content hash changes and this names the member
 * (`medicareProviderNumber`) beside the mass-change guard's refusal.
 * Only changed entities are looked at, both of whose versions the diff holds
 * anyway; unchanged ones cannot contribute (same paths before and after).
 */
export class MemberPaths {
  private readonly before = new Set<string>();
  private readonly after = new Set<string>();

  add(before: CanonicalEntity, after: CanonicalEntity): void {
    collectPaths(before, '', this.before);
    collectPaths(after, '', this.after);
  }

  /** Paths in some new version and in no previous one, sorted. */
  appeared(): string[] {
    return difference(this.after, this.before);
  }

  /** Paths in some previous version and in no new one, sorted. */
  vanished(): string[] {
    return difference(this.before, this.after);
  }
}

/**
 * The paths of an entity's leaves: `streetAddress.city`, and for the members
 * of a child collection `contractPharmacies[].address.city`.
 */
export function collectPaths(value: Record<string, unknown>, prefix: string, into: Set<string>): Set<string> {
  for (const key in value) {
    const path = prefix + key;
    const member = value[key];
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

function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((path) => !b.has(path)).sort();
}
