import type { Change } from '../events/change-detail.ts';
import type {
  CanonicalEntity,
  DetailedEvent,
  EntityEventType,
  EventType,
  SnapshotCounts,
  SnapshotIngestedV1,
  SnapshotSourceInfo,
  StoredEvent,
} from '../events/event-types.ts';
import type { StateRef } from '../events/upcast-entity-changed.ts';

/**
 * The event store as the rest of the system sees it: a write side (ingest
 * sessions) and a read side. `openEventStore` (src/store/open-event-store.ts)
 * is the only way to get one. PostgreSQL implements it in src/store/postgres/,
 * the in-memory store in src/store/memory/; every backend passes the contract
 * suite in src/store/testing/describe-event-store.ts.
 *
 * What a backend must guarantee, and what a reader may assume:
 * - Global positions grow with commit order but need not be contiguous (a
 *   KurrentDB commit position jumps); compare positions, never count them.
 * - A snapshot is the unit of visibility. Its SnapshotIngested event is
 *   written last and is the commit marker: readers never see an event past
 *   the last complete snapshot, so a reader that remembers the last position
 *   it read never skips an event and never sees half a snapshot. A store
 *   without multi-stream transactions hides what follows the last marker.
 * - Event ids are deterministic (src/events/event-id.ts): a retried append
 *   of the same snapshot writes the same ids, so a backend with idempotent
 *   writes recognises the retry.
 * - Appends name the stream version they take (expected version + 1); one
 *   already taken is refused with STREAM_VERSION_CONFLICT.
 */
export interface EventStore extends EventStoreWriter, EventStoreReader {
  readonly kind: EventStoreKind;
  /** Releases what the store itself opened (not a pool the caller lent it). */
  close(): Promise<void>;
}

export type EventStoreKind = 'postgres' | 'memory' | 'kurrentdb';

export interface EventStoreWriter {
  /**
   * Starts appending one snapshot (as-of instant `asOf`) under the
   * single-writer ingest lock; waits for the lock unless `wait` is false
   * (then INGEST_BUSY).
   */
  beginIngest(options: { asOf: Date; wait?: boolean }): Promise<IngestSession>;
}

export interface EventStoreReader {
  /**
   * Events after a global position, in global order, at most `limit`
   * (default 1000). With `detail`, every CoveredEntityChanged carries its
   * `changes` (a version-1 event upcast on read,
   * src/events/upcast-entity-changed.ts); without, events come as stored.
   */
  readAll(options: ReadAllOptions & { detail: true }): Promise<DetailedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * The end state of every entity stream changed in (after, until]: each
   * stream's last entity event in that range, in global order, in chunks of
   * at most `maxEvents` events and (past the first event) `maxBytes` of
   * stored data. The projections' bulk read: a backend reads ahead while the
   * caller works on a chunk. Stopping the iteration early is allowed. With
   * `detail`, a version-1 CoveredEntityChanged gets its `changes` (one more
   * read per chunk that holds one); the tables of entity states need not ask.
   */
  readEntityChanges(
    range: { after: number; until: number },
    options?: { maxEvents?: number; maxBytes?: number; detail?: boolean },
  ): AsyncIterable<RecordedEntityEvent[]>;
  /** One stream's events in version order; `detail` as for readAll. */
  readStream(streamId: string, options: ReadStreamOptions & { detail: true }): Promise<DetailedEvent[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** The entities that some stream versions' events carry (what an upcast needs), keyed by stateKey. */
  readEntityStates(refs: readonly StateRef[]): Promise<Map<string, CanonicalEntity>>;
  /** The global position of the last complete snapshot's SnapshotIngested event (0 when empty). */
  headPosition(): Promise<number>;
  /** Applied snapshots, oldest first. */
  listSnapshots(): Promise<AppliedSnapshot[]>;
  lastSnapshot(): Promise<AppliedSnapshot | undefined>;
  findSnapshotBySha256(sha256: string): Promise<AppliedSnapshot | undefined>;
  /** Entity streams whose key is current, and those removed (the registry's totals, for status and metrics). */
  countEntities(): Promise<EntityCounts>;
  /**
   * Calls `onCommit` after snapshots commit (a hint to read, not data:
   * several commits may wake it once). Resolves once listening; a snapshot
   * committed after that always wakes it. If the subscription ends by
   * itself (connection lost) `onLost` is called once and the caller
   * subscribes again.
   */
  subscribe(handlers: { onCommit: () => void; onLost: (error?: unknown) => void }): Promise<Subscription>;
}

export interface EntityCounts {
  current: number;
  removed: number;
}

export interface Subscription {
  close(): Promise<void>;
}

/** An entity event as the bulk read hands it over: its data parsed, not yet checked. */
export interface RecordedEntityEvent {
  position: number;
  type: EntityEventType;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  data: { id340B?: unknown; ceId?: unknown; entity?: unknown; changedPaths?: unknown; changes?: Change[] };
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
  /** From its SnapshotIngested event; null if that cannot be read. */
  dataQualityProblemCount: number | null;
  durationMs: number;
  /** When the store committed it. */
  ingestedAt: Date;
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
  /** Hash of the same element's value, whatever its layout (see src/snapshot/layout-free-hash.ts). */
  layoutFreeHash?: string;
}

/**
 * How an entity's element stood in the last snapshot, for the next
 * snapshot's reader to recognise it without parsing: a cache beside the
 * registry, not part of the log's fold.
 */
export interface ElementHashes {
  rawHash: string;
  /** Absent when the element's bytes could not be hashed so (see layoutFreeHash). */
  layoutFreeHash?: string;
}

export type Registry = Map<string, RegistryEntry>;

/**
 * An entity event ready to append; `data` is its data already serialised, as
 * UTF-8 JSON bytes (a backend writes them as they are; the reader's canonical
 * bytes of an entity are never decoded on the way).
 */
export interface NewEntityEvent {
  type: EntityEventType;
  streamId: string;
  id340B: string;
  ceId: number;
  /** The version this event takes: the stream's current version + 1. */
  streamVersion: number;
  /** The entity's content hash after the event (before it, for a removal). */
  contentHash: string;
  data: Uint8Array;
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
  /**
   * Remembers how the elements seen stood (by stream id), for the next
   * snapshot's reader: each given stream's hashes replace its entry's at
   * commit. Called as the elements come, a batch at a time; a stream
   * recorded again takes the hashes recorded last.
   */
  recordElementHashes(hashes: ReadonlyMap<string, ElementHashes>): Promise<void>;
  /**
   * Takes back what this session appended and recorded for these streams (a
   * key found to conflict later in the file).
   */
  discard(streamIds: readonly string[]): Promise<void>;
  /** Appends SnapshotIngested last and makes everything visible at once. */
  commit(snapshot: SnapshotIngestedV1): Promise<AppliedSnapshot>;
  abort(): Promise<void>;
}
