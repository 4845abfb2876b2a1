import { type AppendResult, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { OpaisError } from '../../errors.ts';
import type { CanonicalEntity, SnapshotIngestedV1 } from '../../events/event-types.ts';
import { snapshotStreamId } from '../../events/stream-names.ts';
import { stateKey } from '../../events/upcast-entity-changed.ts';
import type {
  AppliedSnapshot,
  ElementHashes,
  IngestSession,
  NewEntityEvent,
  Registry,
} from '../event-store.ts';
import type { RegistryChange } from '../postgres/write-registry.ts';
import { registryEntryAfter } from '../registry-entry-after.ts';
import { findSnapshotBySha256, lastSnapshot } from './list-snapshots.ts';
import { expectedStateFor, toEventData } from './map-event.ts';
import { toGlobalPosition } from './position.ts';
import { readEntityStates } from './read-entity-states.ts';
import { readHead } from './read-log.ts';
import type { LockedRegistry } from './registry-side.ts';
import { type KurrentLog, serverStream } from './vocabulary.ts';

/**
 * One snapshot's ingest into KurrentDB. Appends are kept in memory until
 * commit (a first snapshot: about the size of the export), because the log
 * cannot take back what a session wrote: an ingest that stops before commit
 * (a guard, a bad byte, `discard`) writes nothing. Commit appends each event
 * with its expected revision and deterministic id, then SnapshotIngested,
 * then the registry in PostgreSQL; a crash in between is completed by the
 * same ingest run again (docs/architecture.md, "KurrentDB backend").
 */
export class KurrentDbIngestSession implements IngestSession {
  readonly #snapshotStream: string;
  readonly #asOfIso: string;
  /** This session's appends, in append order. */
  #appended: NewEntityEvent[] = [];
  /** The last version each stream takes in this session. */
  readonly #versions = new Map<string, number>();
  readonly #registryChanges = new Map<string, RegistryChange>();
  readonly #elementHashes = new Map<string, ElementHashes>();
  #finished = false;

  private readonly log: KurrentLog;
  private readonly registry: LockedRegistry;
  readonly asOf: Date;

  constructor(log: KurrentLog, registry: LockedRegistry, asOf: Date) {
    this.log = log;
    this.registry = registry;
    this.asOf = asOf;
    this.#snapshotStream = snapshotStreamId(asOf);
    this.#asOfIso = asOf.toISOString();
  }

  lastSnapshot(): Promise<AppliedSnapshot | undefined> {
    return lastSnapshot(this.log);
  }

  findSnapshotBySha256(sha256: string): Promise<AppliedSnapshot | undefined> {
    return findSnapshotBySha256(this.log, sha256);
  }

  loadRegistry(): Promise<Registry> {
    return this.registry.loadRegistry();
  }

  async readCurrentEntities(
    streams: ReadonlyArray<{ streamId: string; streamVersion: number }>,
  ): Promise<Map<string, CanonicalEntity>> {
    const states = await readEntityStates(this.log, streams);
    const found = new Map<string, CanonicalEntity>();
    for (const stream of streams) {
      const entity = states.get(stateKey(stream));
      if (entity) found.set(stream.streamId, entity);
    }
    return found;
  }

  async append(events: readonly NewEntityEvent[]): Promise<void> {
    this.#assertOpen();
    // Checked whole before anything is kept, so a refused batch leaves the session as it was.
    const versions = new Map<string, number>();
    for (const event of events) {
      const previous = versions.get(event.streamId) ?? this.#versions.get(event.streamId);
      if (previous !== undefined && event.streamVersion !== previous + 1) {
        throw new OpaisError(
          'STREAM_VERSION_CONFLICT',
          `an event stream was appended to concurrently: ${event.streamId} takes version ${previous} and then ${event.streamVersion}`,
        );
      }
      versions.set(event.streamId, event.streamVersion);
    }
    for (const event of events) {
      this.#appended.push(event);
      this.#versions.set(event.streamId, event.streamVersion);
      this.#registryChanges.set(event.streamId, registryEntryAfter(event));
    }
  }

  async recordElementHashes(hashes: ReadonlyMap<string, ElementHashes>): Promise<void> {
    for (const [streamId, recorded] of hashes) this.#elementHashes.set(streamId, recorded);
  }

  async discard(streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    const discarded = new Set(streamIds);
    this.#appended = this.#appended.filter((event) => !discarded.has(event.streamId));
    for (const streamId of streamIds) {
      this.#versions.delete(streamId);
      this.#registryChanges.delete(streamId);
      this.#elementHashes.delete(streamId);
    }
  }

  async commit(snapshot: SnapshotIngestedV1): Promise<AppliedSnapshot> {
    this.#assertOpen();
    try {
      // One at a time, in append order: the log keeps the session's order, as in PostgreSQL, and the
      // next append is sent only once the last is acknowledged (so a retry resumes at a known point).
      for (const event of this.#appended) {
        await this.#append(
          event.streamId,
          event.streamVersion,
          toEventData(event, this.#asOfIso, this.#snapshotStream),
        );
      }
      const marker = toEventData(
        {
          streamId: this.#snapshotStream,
          streamVersion: 1,
          type: 'SnapshotIngested',
          data: Buffer.from(JSON.stringify(snapshot)),
        },
        this.#asOfIso,
        this.#snapshotStream,
      );
      const written = await this.#append(this.#snapshotStream, 1, marker);
      // Under the ingest lock the last marker is this one, should the server not say where it went.
      const position = written.position
        ? toGlobalPosition(written.position, `${this.#snapshotStream}@0`)
        : await readHead(this.log);
      await this.registry.writeRegistry(this.#asOfIso, this.#registryChanges, this.#elementHashes);
      return {
        asOf: this.asOf,
        sha256: snapshot.sha256,
        globalPosition: position,
        source: snapshot.source,
        counts: snapshot.counts,
        dataQualityProblemCount: snapshot.dataQualityProblemCount,
        durationMs: snapshot.durationMs,
        ingestedAt: new Date(),
      };
    } finally {
      await this.#end();
    }
  }

  async abort(): Promise<void> {
    if (!this.#finished) await this.#end();
  }

  /** One event, one append: its $all position then identifies it (position.ts). */
  async #append(
    streamId: string,
    streamVersion: number,
    event: ReturnType<typeof toEventData>,
  ): Promise<AppendResult> {
    let result: AppendResult;
    try {
      result = await this.log.client.appendToStream(serverStream(this.log, streamId), event, {
        streamState: expectedStateFor(streamVersion),
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw this.#conflict(streamId, streamVersion, error);
      throw error;
    }
    // A client set with throwOnAppendFailure=false reports a conflict this way instead.
    if (!result.success) throw this.#conflict(streamId, streamVersion);
    return result;
  }

  #conflict(streamId: string, streamVersion: number, cause?: unknown): OpaisError {
    const marker = streamVersion === 1 && streamId === this.#snapshotStream;
    return new OpaisError(
      'STREAM_VERSION_CONFLICT',
      `an event stream was appended to concurrently: ${streamId} already has another event at version ${streamVersion}${marker ? ' (this snapshot was applied before?)' : ''}`,
      { streamId, streamVersion },
      { cause },
    );
  }

  #assertOpen(): void {
    if (this.#finished) throw new OpaisError('INTERNAL', 'the ingest session has ended');
  }

  async #end(): Promise<void> {
    this.#finished = true;
    this.#appended = [];
    await this.registry.release();
  }
}
