import type {
  CanonicalEntity,
  DetailedEvent,
  EventType,
  SnapshotCounts,
  SnapshotIngestedV1,
  SnapshotSourceInfo,
  StoredEvent,
} from '../events/event-types.ts';
import type { StateRef } from '../events/upcast-entity-changed.ts';

/**
 * The event store as the rest of the system sees it. PostgreSQL implements
 * it in src/store/postgres/; an EventStoreDB adapter sits behind the same
 * interface (no multi-stream transaction there: deterministic event ids and
 * expected versions make a retried ingest idempotent, and SnapshotIngested,
 * written last, is the commit marker).
 */
export interface EventStore {
  readonly kind: 'postgres' | 'eventstoredb';
  /**
   * Starts appending one snapshot (as-of instant `asOf`) under the
   * single-writer ingest lock; waits for the lock unless `wait` is false
   * (then INGEST_BUSY).
   */
  beginIngest(options: { asOf: Date; wait?: boolean }): Promise<IngestSession>;
  /**
   * Events after a global position, in global order. With `detail`, every
   * CoveredEntityChanged carries its `changes` (a version-1 event upcast on
   * read, src/events/upcast-entity-changed.ts); without, events come as
   * stored, which is all a reader of entity states needs.
   */
  readAll(options: ReadAllOptions & { detail: true }): Promise<DetailedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** One stream's events in version order; `detail` as for readAll. */
  readStream(streamId: string, options: ReadStreamOptions & { detail: true }): Promise<DetailedEvent[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** The entities that some stream versions' events carry (what an upcast needs), keyed by stateKey. */
  readEntityStates(refs: readonly StateRef[]): Promise<Map<string, CanonicalEntity>>;
  /** Applied snapshots, oldest first. */
  listSnapshots(): Promise<AppliedSnapshot[]>;
  /** The global position of the last committed event (0 when empty). */
  headPosition(): Promise<number>;
}

export interface ReadAllOptions {
  after?: number;
  limit?: number;
  types?: readonly EventType[];
  detail?: boolean;
}

export interface ReadStreamOptions {
  afterVersion?: number;
  limit?: number;
  detail?: boolean;
}

export interface AppliedSnapshot {
  asOf: Date;
  sha256: string;
  /** Global position of its SnapshotIngested event. */
  globalPosition: number;
  source: SnapshotSourceInfo;
  counts: SnapshotCounts;
  durationMs: number;
}

/** Last known state of an entity stream, by stream id. */
export interface RegistryEntry {
  id340B: string;
  ceId: number;
  contentHash: string;
  streamVersion: number;
  isCurrent: boolean;
  /** Hash of the entity's bytes in the last snapshot that listed it (see rawHash in src/snapshot/content-hash.ts). */
  rawHash?: string;
}
export type Registry = Map<string, RegistryEntry>;

/** An entity event ready to append; `dataJson` is its data already serialised. */
export interface NewEntityEvent {
  type: 'CoveredEntityRegistered' | 'CoveredEntityChanged' | 'CoveredEntityRemoved';
  streamId: string;
  id340B: string;
  ceId: number;
  /** The version this event takes: the stream's current version + 1. */
  streamVersion: number;
  /** The entity's content hash after the event (before it, for a removal). */
  contentHash: string;
  dataJson: string;
}

/**
 * One snapshot's worth of appends. Nothing is visible to readers until
 * commit; abort (or a crash) leaves the store as it was.
 */
export interface IngestSession {
  readonly asOf: Date;
  lastSnapshot(): Promise<AppliedSnapshot | undefined>;
  findSnapshotBySha256(sha256: string): Promise<AppliedSnapshot | undefined>;
  loadRegistry(): Promise<Registry>;
  /** Current canonical states of some entity streams, keyed by stream id. */
  readCurrentEntities(
    streams: ReadonlyArray<{ streamId: string; streamVersion: number }>,
  ): Promise<Map<string, CanonicalEntity>>;
  append(events: readonly NewEntityEvent[]): Promise<void>;
  /** Remembers the raw hashes of the elements seen (by stream id), for the next snapshot's fast path. */
  recordRawHashes(rawHashes: ReadonlyMap<string, string>): Promise<void>;
  /** Takes back what this session appended to these streams (a key found to conflict later in the file). */
  discard(streamIds: readonly string[]): Promise<void>;
  /** Appends SnapshotIngested last and makes everything visible at once. */
  commit(snapshot: SnapshotIngestedV1): Promise<AppliedSnapshot>;
  abort(): Promise<void>;
}
