import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { type EntityEventType, type EventType, entityEventTypes } from '../../events/event-types.ts';

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

export const snapshotMarkerType = 'SnapshotIngested' satisfies EventType;

/**
 * One log on a server: the client and the names of its streams. A log's
 * streams are named exactly as the data contract says; a `namespace`
 * prefixes them on the server so that several logs can share one (the
 * contract suite runs each case in its own), and is invisible to readers.
 */
export interface KurrentLog {
  client: KurrentDBClient;
  namespace: string;
}

export function serverStream(log: KurrentLog, streamId: string): string {
  return `${log.namespace}${streamId}`;
}

/** Our name of a stream read from the server (its namespace taken off). */
export function ourStream(log: Pick<KurrentLog, 'namespace'>, name: string): string {
  return name.startsWith(log.namespace) ? name.slice(log.namespace.length) : name;
}

/** The stream-name prefixes to filter $all by, for events of these types (server-side; the type is checked again on read). */
export function categoryPrefixes(
  log: KurrentLog,
  types: readonly EventType[] = Object.keys(categoryOf) as EventType[],
): string[] {
  return [...new Set(types.map((type) => `${log.namespace}${categoryOf[type]}`))];
}

export const entityCategory = (log: KurrentLog) => `${log.namespace}${categoryOf.CoveredEntityRegistered}`;
export const snapshotCategory = (log: KurrentLog) => `${log.namespace}${categoryOf.SnapshotIngested}`;

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

export function isEntityEventType(type: string): type is EntityEventType {
  return entityTypes.has(type);
}
