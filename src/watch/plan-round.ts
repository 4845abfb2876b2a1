import { dateInKey } from '../source/snapshot-key-date.ts';
import type { ListedObject } from './list-snapshot-objects.ts';

export interface PlannedObject extends ListedObject {
  asOf: Date;
  asOfFrom: 'key' | 'object';
}

/** Outcomes after which an object is not tried again (a transient `failed` is). */
const settled = new Set(['applied', 'already-applied', 'refused']);

export function objectId(object: { key: string; etag: string }): string {
  return `${object.etag}\u0000${object.key}`;
}

/**
 * The objects still to ingest, in as-of order (a date in the key, else the
 * last-modified time; ties by key), since as-of instants of applied
 * snapshots must increase.
 */
export function planRound(
  listed: readonly ListedObject[],
  outcomes: ReadonlyMap<string, string>,
): PlannedObject[] {
  return listed
    .filter((object) => !settled.has(outcomes.get(objectId(object)) ?? ''))
    .map((object) => {
      const keyDate = dateInKey(object.key);
      return {
        ...object,
        asOf: keyDate ?? object.lastModified,
        asOfFrom: keyDate ? ('key' as const) : ('object' as const),
      };
    })
    .sort((a, b) => a.asOf.getTime() - b.asOf.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
