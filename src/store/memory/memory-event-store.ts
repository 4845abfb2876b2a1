import { OpaisError } from '../../errors.ts';
import { deterministicEventId } from '../../events/event-id.ts';
import {
  type CanonicalEntity,
  type EventType,
  entityEventTypes,
  eventSchemaVersions,
  type SnapshotIngestedV1,
  type StoredEvent,
} from '../../events/event-types.ts';
import { snapshotStreamId } from '../../events/stream-names.ts';
import { type StateRef, stateKey } from '../../events/upcast-entity-changed.ts';
import type {
  AppliedSnapshot,
  ElementHashes,
  EventStore,
  IngestSession,
  NewEntityEvent,
  RecordedEntityEvent,
  Registry,
  RegistryEntry,
} from '../event-store.ts';
import { defaultChunkLimits, planEntityChangeChunks } from '../plan-entity-change-chunks.ts';
import type { RegistryChange } from '../postgres/write-registry.ts';
import { registryEntryAfter } from '../registry-entry-after.ts';
import { withChangeDetail } from '../with-change-detail.ts';

const utf8 = new TextDecoder();

/** An event as the memory store keeps it: its data as JSON text, parsed afresh on each read so no reader can change it. */
interface KeptEvent {
  globalPosition: number;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: EventType;
  asOf: string;
  dataJson: string;
  metadataJson: string;
  recordedAt: string;
}

/** What the store holds; sessions change it only at commit, in one synchronous step. */
interface MemoryState {
  events: KeptEvent[];
  streams: Map<string, KeptEvent[]>;
  snapshots: AppliedSnapshot[];
  registry: Map<string, RegistryEntry>;
  /** Positions handed out so far, committed or not: an aborted session leaves a gap, as in PostgreSQL. */
  lastAllocated: number;
  commitListeners: Set<() => void>;
}

const entityTypes: ReadonlySet<string> = new Set(entityEventTypes);

/**
 * The event store in this process's memory: a real implementation of the
 * port (it passes the contract suite), for unit tests of the ingest rules
 * and the projections without a database, and for examples. Single-writer
 * like the others; its contents end with the process.
 */
export function createMemoryEventStore(): EventStore {
  const state: MemoryState = {
    events: [],
    streams: new Map(),
    snapshots: [],
    registry: new Map(),
    lastAllocated: 0,
    commitListeners: new Set(),
  };
  const lock = new IngestLock();
  return {
    kind: 'memory',
    async beginIngest({ asOf, wait }) {
      if (wait === false) {
        if (!lock.tryAcquire())
          throw new OpaisError('INGEST_BUSY', 'another ingest is running; try again later');
      } else {
        await lock.acquire();
      }
      return new MemoryIngestSession(state, asOf, () => lock.release());
    },
    ...withChangeDetail({
      async readAll({ after = 0, limit = 1000, types } = {}) {
        const wanted = types ? new Set<string>(types) : undefined;
        const found: StoredEvent[] = [];
        for (const event of eventsAfter(state, after)) {
          if (found.length >= limit) break;
          if (!wanted || wanted.has(event.type)) found.push(toStoredEvent(event));
        }
        return found;
      },
      async *readEntityChanges(range, options = {}) {
        const inRange = [...eventsAfter(state, range.after)].filter(
          (event) => event.globalPosition <= range.until && entityTypes.has(event.type),
        );
        const byPosition = new Map(inRange.map((event) => [event.globalPosition, event]));
        const chunks = planEntityChangeChunks(
          inRange.map((event) => ({
            position: event.globalPosition,
            streamId: event.streamId,
            size: event.dataJson.length,
          })),
          { ...defaultChunkLimits, ...options },
        );
        for (const chunk of chunks)
          yield chunk.map((position) => toRecorded(byPosition.get(position) as KeptEvent));
      },
      async readStream(streamId, { afterVersion = 0, limit = 10_000 } = {}) {
        return (state.streams.get(streamId) ?? [])
          .filter((event) => event.streamVersion > afterVersion)
          .slice(0, limit)
          .map(toStoredEvent);
      },
      async readEntityStates(refs) {
        const found = new Map<string, CanonicalEntity>();
        for (const ref of refs) {
          const entity = entityAt(state, ref);
          if (entity) found.set(stateKey(ref), entity);
        }
        return found;
      },
    }),
    async headPosition() {
      return state.events.at(-1)?.globalPosition ?? 0;
    },
    async listSnapshots() {
      return [...state.snapshots].sort((a, b) => a.asOf.getTime() - b.asOf.getTime()).map(copySnapshot);
    },
    lastSnapshot: async () => lastSnapshot(state),
    findSnapshotBySha256: async (sha256) => findSnapshot(state, sha256),
    async countEntities() {
      const counts = { current: 0, removed: 0 };
      for (const entry of state.registry.values()) counts[entry.isCurrent ? 'current' : 'removed'] += 1;
      return counts;
    },
    async subscribe({ onCommit }) {
      // Nothing can be lost in one process, so onLost is never called.
      const listener = () => onCommit();
      state.commitListeners.add(listener);
      return {
        close: async () => {
          state.commitListeners.delete(listener);
        },
      };
    },
    close: async () => {},
  };
}

class MemoryIngestSession implements IngestSession {
  readonly #snapshotStream: string;
  readonly #metadataJson: string;
  /** This session's appends, by stream: invisible until commit. */
  readonly #appended = new Map<string, KeptEvent[]>();
  readonly #elementHashes = new Map<string, ElementHashes>();
  readonly #registryChanges = new Map<string, RegistryChange>();
  #finished = false;

  private readonly state: MemoryState;
  readonly asOf: Date;
  private readonly release: () => void;

  constructor(state: MemoryState, asOf: Date, release: () => void) {
    this.state = state;
    this.asOf = asOf;
    this.release = release;
    this.#snapshotStream = snapshotStreamId(asOf);
    this.#metadataJson = JSON.stringify({ asOf: asOf.toISOString(), snapshotStream: this.#snapshotStream });
  }

  lastSnapshot = async () => lastSnapshot(this.state);
  findSnapshotBySha256 = async (sha256: string) => findSnapshot(this.state, sha256);

  async loadRegistry(): Promise<Registry> {
    const registry: Registry = new Map();
    for (const [streamId, entry] of this.state.registry) registry.set(streamId, { ...entry });
    return registry;
  }

  async readCurrentEntities(
    streams: ReadonlyArray<{ streamId: string; streamVersion: number }>,
  ): Promise<Map<string, CanonicalEntity>> {
    const found = new Map<string, CanonicalEntity>();
    for (const stream of streams) {
      const entity = entityAt(this.state, stream);
      if (entity) found.set(stream.streamId, entity);
    }
    return found;
  }

  async append(events: readonly NewEntityEvent[]): Promise<void> {
    this.#assertOpen();
    // Checked whole before anything is kept, so a refused batch leaves the session as it was.
    const versions = new Map<string, number>();
    for (const event of events) {
      const current =
        versions.get(event.streamId) ??
        (this.state.streams.get(event.streamId)?.length ?? 0) +
          (this.#appended.get(event.streamId)?.length ?? 0);
      if (event.streamVersion !== current + 1) {
        throw new OpaisError(
          'STREAM_VERSION_CONFLICT',
          `an event stream was appended to concurrently: ${event.streamId} is at version ${current}, the append takes ${event.streamVersion}`,
        );
      }
      versions.set(event.streamId, event.streamVersion);
    }
    const recordedAt = new Date().toISOString();
    for (const event of events) {
      const kept: KeptEvent = {
        globalPosition: ++this.state.lastAllocated,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        eventId: deterministicEventId(this.#snapshotStream, event.streamId, event.streamVersion),
        type: event.type,
        asOf: this.asOf.toISOString(),
        dataJson: utf8.decode(event.data),
        metadataJson: this.#metadataJson,
        recordedAt,
      };
      this.#appended.set(event.streamId, [...(this.#appended.get(event.streamId) ?? []), kept]);
      this.#registryChanges.set(event.streamId, registryEntryAfter(event));
    }
  }

  async recordElementHashes(hashes: ReadonlyMap<string, ElementHashes>): Promise<void> {
    for (const [streamId, recorded] of hashes) this.#elementHashes.set(streamId, recorded);
  }

  async discard(streamIds: readonly string[]): Promise<void> {
    for (const streamId of streamIds) {
      this.#appended.delete(streamId);
      this.#registryChanges.delete(streamId);
      this.#elementHashes.delete(streamId);
    }
  }

  async commit(snapshot: SnapshotIngestedV1): Promise<AppliedSnapshot> {
    this.#assertOpen();
    const { state } = this;
    const recordedAt = new Date();
    const appended = [...this.#appended.values()].flat().sort((a, b) => a.globalPosition - b.globalPosition);
    const marker: KeptEvent = {
      globalPosition: ++state.lastAllocated,
      streamId: this.#snapshotStream,
      streamVersion: 1,
      eventId: deterministicEventId(this.#snapshotStream, this.#snapshotStream, 1),
      type: 'SnapshotIngested',
      asOf: this.asOf.toISOString(),
      dataJson: JSON.stringify(snapshot),
      metadataJson: this.#metadataJson,
      recordedAt: recordedAt.toISOString(),
    };
    if (state.streams.has(marker.streamId)) {
      throw new OpaisError(
        'STREAM_VERSION_CONFLICT',
        `an event stream was appended to concurrently: ${marker.streamId} exists`,
      );
    }
    const applied: AppliedSnapshot = {
      asOf: this.asOf,
      sha256: snapshot.sha256,
      globalPosition: marker.globalPosition,
      source: snapshot.source,
      counts: snapshot.counts,
      dataQualityProblemCount: snapshot.dataQualityProblemCount,
      durationMs: snapshot.durationMs,
      ingestedAt: recordedAt,
    };
    for (const event of [...appended, marker]) {
      state.events.push(event);
      state.streams.set(event.streamId, [...(state.streams.get(event.streamId) ?? []), event]);
    }
    state.snapshots.push(applied);
    for (const [streamId, change] of this.#registryChanges) {
      // A removal records no hashes: the entry keeps those it had (as in PostgreSQL).
      const previous = state.registry.get(streamId);
      const { rawHash, layoutFreeHash } = this.#elementHashes.get(streamId) ?? previous ?? {};
      state.registry.set(streamId, { ...change, ...withHashes({ rawHash, layoutFreeHash }) });
    }
    for (const [streamId, hashes] of this.#elementHashes) {
      const entry = state.registry.get(streamId);
      if (entry && !this.#registryChanges.has(streamId)) {
        const { rawHash: _raw, layoutFreeHash: _layoutFree, ...rest } = entry;
        state.registry.set(streamId, { ...rest, ...withHashes(hashes) });
      }
    }
    this.#end();
    for (const listener of [...state.commitListeners]) listener();
    return copySnapshot(applied);
  }

  async abort(): Promise<void> {
    if (!this.#finished) this.#end();
  }

  #assertOpen(): void {
    if (this.#finished) throw new OpaisError('INTERNAL', 'the ingest session has ended');
  }

  #end(): void {
    this.#finished = true;
    this.#appended.clear();
    this.release();
  }
}

/** A FIFO single-writer lock. */
class IngestLock {
  #held = false;
  readonly #waiting: Array<() => void> = [];

  tryAcquire(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

/** Committed events after a position, in global order (binary search: positions only grow). */
function* eventsAfter(state: MemoryState, after: number): Generator<KeptEvent> {
  let low = 0;
  let high = state.events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((state.events[middle] as KeptEvent).globalPosition <= after) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < state.events.length; index++) yield state.events[index] as KeptEvent;
}

function lastSnapshot(state: MemoryState): AppliedSnapshot | undefined {
  const last = state.snapshots.reduce<AppliedSnapshot | undefined>(
    (latest, snapshot) => (!latest || snapshot.asOf > latest.asOf ? snapshot : latest),
    undefined,
  );
  return last && copySnapshot(last);
}

function findSnapshot(state: MemoryState, sha256: string): AppliedSnapshot | undefined {
  const found = state.snapshots.find((snapshot) => snapshot.sha256 === sha256);
  return found && copySnapshot(found);
}

function copySnapshot(snapshot: AppliedSnapshot): AppliedSnapshot {
  return structuredClone(snapshot);
}

function toStoredEvent(event: KeptEvent): StoredEvent {
  return {
    globalPosition: event.globalPosition,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: eventSchemaVersions[event.type],
    asOf: event.asOf,
    data: JSON.parse(event.dataJson),
    metadata: JSON.parse(event.metadataJson),
    recordedAt: event.recordedAt,
  } as StoredEvent;
}

/** The entity a stream version's event carries (none for a removal). */
function entityAt(state: MemoryState, ref: StateRef): CanonicalEntity | undefined {
  const event = state.streams.get(ref.streamId)?.[ref.streamVersion - 1];
  return event && (JSON.parse(event.dataJson) as { entity?: CanonicalEntity }).entity;
}

function toRecorded(event: KeptEvent): RecordedEntityEvent {
  return {
    position: event.globalPosition,
    type: event.type as RecordedEntityEvent['type'],
    schemaVersion: eventSchemaVersions[event.type],
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    data: JSON.parse(event.dataJson),
  };
}

/** The hashes an entry holds: only those there are. */
function withHashes({ rawHash, layoutFreeHash }: Partial<ElementHashes>): Partial<ElementHashes> {
  return { ...(rawHash ? { rawHash } : {}), ...(layoutFreeHash ? { layoutFreeHash } : {}) };
}
