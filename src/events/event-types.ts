import type { Change } from './change-detail.ts';

/**
 * The events of the log (docs/data-contract.md#events). Each type carries a schema
 * version so it can evolve: readers switch on (type, schemaVersion),
 * writers write the current one. Entities are stored in their canonical
 * form (docs/data-contract.md#identity-and-equality).
 */

/** A covered entity in canonical form: sorted members, absent values dropped, sets sorted and deduplicated. */
export type CanonicalEntity = Record<string, unknown>;

export interface CoveredEntityRegisteredV1 {
  id340B: string;
  ceId: number;
  contentHash: string;
  entity: CanonicalEntity;
}

export interface CoveredEntityChangedV1 {
  id340B: string;
  ceId: number;
  contentHash: string;
  previousContentHash: string;
  /** Dotted paths of the members that differ; a child collection (a set) is named as a whole. */
  changedPaths: string[];
  entity: CanonicalEntity;
}

/**
 * Version 2 (data contract 1.1) adds the change itself: each differing scalar
 * leaf with its value before and after, each child collection's members
 * added, removed and changed (src/events/change-detail.ts). Version 1 events
 * are upcast to it on read (src/events/upcast-entity-changed.ts).
 */
export interface CoveredEntityChangedV2 extends CoveredEntityChangedV1 {
  changes: Change[];
}

export interface CoveredEntityRemovedV1 {
  id340B: string;
  ceId: number;
  previousContentHash: string;
}

export type SnapshotSourceInfo =
  | { kind: 'file'; path: string; fileName: string; sizeBytes: number; lastModified: string }
  | {
      kind: 's3';
      bucket: string;
      key: string;
      etag?: string;
      versionId?: string;
      sizeBytes?: number;
      lastModified?: string;
    }
  | { kind: 'url'; url: string; etag?: string; lastModified?: string };

export interface SnapshotCounts {
  /** Entity elements in the file, valid or not. */
  entities: number;
  registered: number;
  changed: number;
  removed: number;
  unchanged: number;
  /** Entities skipped for a data-quality problem. */
  skipped: number;
  /** Elements that repeat a key with identical content (harmless). */
  duplicates: number;
}

export interface DataQualityProblem {
  code:
    | 'MISSING_KEY'
    | 'INVALID_TYPE'
    | 'CONFLICTING_DUPLICATE'
    | 'NOT_AN_OBJECT'
    /** A value of the right type that the projections cannot apply (participating "MAYBE", an id beyond 2^53). */
    | 'INVALID_VALUE'
    /** A string PostgreSQL cannot store, or a value over what its indexes, full-text search or jsonb accept. */
    | 'NOT_STORABLE'
    /** A name written twice in one object: JSON readers disagree on which value counts. */
    | 'REPEATED_KEY'
    /** A number that would not read back as written (too many digits, out of range). */
    | 'INEXACT_NUMBER';
  /** Position of the element in `coveredEntities` (0-based). */
  index: number;
  /** Byte offset of the element in the JSON document. */
  offset: number;
  id340B?: string;
  ceId?: number;
  message: string;
}

export interface SnapshotIngestedV1 {
  asOf: string;
  source: SnapshotSourceInfo;
  sha256: string;
  counts: SnapshotCounts;
  /** Total count of problems; `dataQuality` lists the first ones. */
  dataQualityProblemCount: number;
  dataQuality: DataQualityProblem[];
  durationMs: number;
  /**
   * Member paths (`medicareProviderNumber`, `contractPharmacies[].comments`)
   * that more than half of the changed entities gained: why many entities
   * changed at once (the mass-change guard, docs/events.md). Written since
   * data contract 1.1; absent before.
   */
  newMembers?: string[];
  /** Member paths that more than half of the changed entities lost. */
  vanishedMembers?: string[];
}

export const eventSchemaVersions = {
  CoveredEntityRegistered: 1,
  CoveredEntityChanged: 2,
  CoveredEntityRemoved: 1,
  SnapshotIngested: 1,
} as const;

export type EventType = keyof typeof eventSchemaVersions;

export type DomainEvent =
  | { type: 'CoveredEntityRegistered'; data: CoveredEntityRegisteredV1 }
  | { type: 'CoveredEntityChanged'; data: CoveredEntityChangedV1 }
  | { type: 'CoveredEntityRemoved'; data: CoveredEntityRemovedV1 }
  | { type: 'SnapshotIngested'; data: SnapshotIngestedV1 };

export const entityEventTypes = [
  'CoveredEntityRegistered',
  'CoveredEntityChanged',
  'CoveredEntityRemoved',
] as const;

/** The events of an entity's stream (everything but SnapshotIngested). */
export type EntityEventType = (typeof entityEventTypes)[number];

/**
 * An event as read back with its change detail: every CoveredEntityChanged
 * carries `changes` (a version 1 event upcast on read).
 */
export type DetailedEvent =
  | Exclude<StoredEvent, { type: 'CoveredEntityChanged' }>
  | (Extract<StoredEvent, { type: 'CoveredEntityChanged' }> & { data: CoveredEntityChangedV2 });

/** Every event records the snapshot it came from. */
export interface EventMetadata {
  asOf: string;
  /** `snapshot-<as-of>`: the stream of the snapshot's SnapshotIngested event. */
  snapshotStream: string;
}

/** An event as read back from a store. */
export type StoredEvent = DomainEvent & {
  globalPosition: number;
  streamId: string;
  streamVersion: number;
  eventId: string;
  schemaVersion: number;
  asOf: string;
  metadata: EventMetadata;
  recordedAt: string;
};
