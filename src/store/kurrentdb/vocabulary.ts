import type { EventType } from '../../events/event-types.ts';
import { entityEventTypes } from '../../events/event-types.ts';

/**
 * The storage vocabulary of the KurrentDB event store (docs/architecture.md,
 * "KurrentDB backend"): the stream categories the log lives in, the $all
 * filter that reads them, and the metadata each event carries. Nothing
 * outside src/store/kurrentdb/ knows these.
 */

/** The category of each event type: its stream-name prefix. */
const categoryOf: Record<EventType, string> = {
  CoveredEntityRegistered: 'coveredEntity-',
  CoveredEntityChanged: 'coveredEntity-',
  CoveredEntityRemoved: 'coveredEntity-',
  SnapshotIngested: 'snapshot-',
};

export const entityCategory = categoryOf.CoveredEntityRegistered;
export const snapshotCategory = categoryOf.SnapshotIngested;
export const snapshotMarkerType = 'SnapshotIngested' satisfies EventType;

/** The stream-name prefixes to filter $all by, for events of these types (server-side; the type is checked again on read). */
export function categoryPrefixes(
  types: readonly EventType[] = Object.keys(categoryOf) as EventType[],
): string[] {
  return [...new Set(types.map((type) => categoryOf[type]))];
}

/**
 * The metadata stored with every event: as-of and snapshot stream as in
 * PostgreSQL's `metadata` column, plus the schema version that PostgreSQL
 * keeps in a column of its own.
 */
export interface StoredMetadata {
  asOf: string;
  snapshotStream: string;
  schemaVersion: number;
}

const eventTypes: ReadonlySet<string> = new Set(Object.keys(categoryOf));
const entityTypes: ReadonlySet<string> = new Set(entityEventTypes);

export function isEventType(type: string): type is EventType {
  return eventTypes.has(type);
}

export function isEntityEventType(type: string): type is (typeof entityEventTypes)[number] {
  return entityTypes.has(type);
}
