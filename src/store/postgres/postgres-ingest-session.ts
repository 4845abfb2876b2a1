import type pg from 'pg';
import { OpaisError } from '../../errors.ts';
import { deterministicEventId } from '../../events/event-id.ts';
import {
  type CanonicalEntity,
  eventSchemaVersions,
  type SnapshotIngestedV1,
} from '../../events/event-types.ts';
import { snapshotStreamId } from '../../events/stream-names.ts';
import type {
  AppliedSnapshot,
  ElementHashes,
  IngestSession,
  NewEntityEvent,
  Registry,
} from '../event-store.ts';
import { registryEntryAfter } from '../registry-entry-after.ts';
import { CopyBuffers, copyRows } from './copy-rows.ts';
import { loadRegistry } from './load-registry.ts';
import * as plans from './plans.ts';
import { selectSnapshots } from './select-snapshots.ts';
import { RegistryStage } from './write-registry.ts';

/**
 * An ingest session over one open transaction (see begin-ingest.ts). Its
 * state: the registry changes its appends imply and the element hashes to
 * record, staged in the transaction and merged at commit (so the registry
 * always equals a fold of the log), and the head at its start (what
 * `discard` may take back lies after it).
 */
export class PostgresIngestSession implements IngestSession {
  readonly #snapshotStream: string;
  readonly #asOfIso: string;
  readonly #metadataJson: string;
  /** The event batches' COPY text, one batch after another in the same buffers. */
  readonly #copyBuffers = new CopyBuffers();
  readonly #registry: RegistryStage;
  #finished = false;

  private readonly client: pg.PoolClient;
  readonly asOf: Date;
  private readonly startPosition: number;

  constructor(client: pg.PoolClient, asOf: Date, startPosition: number) {
    this.client = client;
    this.asOf = asOf;
    this.startPosition = startPosition;
    this.#snapshotStream = snapshotStreamId(asOf);
    this.#asOfIso = asOf.toISOString();
    this.#metadataJson = JSON.stringify({ asOf: this.#asOfIso, snapshotStream: this.#snapshotStream });
    this.#registry = new RegistryStage(client, this.#asOfIso, this.#copyBuffers);
  }

  lastSnapshot(): Promise<AppliedSnapshot | undefined> {
    return this.#selectSnapshot(plans.lastSnapshot, []);
  }

  findSnapshotBySha256(sha256: string): Promise<AppliedSnapshot | undefined> {
    return this.#selectSnapshot(plans.snapshotBySha256, [sha256]);
  }

  loadRegistry(): Promise<Registry> {
    return loadRegistry(this.client);
  }

  async readCurrentEntities(
    streams: ReadonlyArray<{ streamId: string; streamVersion: number }>,
  ): Promise<Map<string, CanonicalEntity>> {
    const result = await this.client.query<{ stream_id: string; entity: CanonicalEntity }>(
      plans.readEntityStates,
      [streams.map((stream) => stream.streamId), streams.map((stream) => stream.streamVersion)],
    );
    return new Map(result.rows.map((row) => [row.stream_id, row.entity]));
  }

  async append(events: readonly NewEntityEvent[]): Promise<void> {
    if (events.length === 0) return;
    await copyRows(
      this.client,
      plans.eventsTable,
      plans.newEventColumns,
      events.map((event) => [
        event.streamId,
        event.streamVersion,
        deterministicEventId(this.#snapshotStream, event.streamId, event.streamVersion),
        event.type,
        eventSchemaVersions[event.type],
        this.#asOfIso,
        event.data,
        this.#metadataJson,
      ]),
      this.#copyBuffers,
    ).catch((error: unknown) => {
      throw asConflict(error);
    });
    await this.#registry.stageChanges(
      events.map((event) => [event.streamId, registryEntryAfter(event)] as const),
    );
  }

  recordElementHashes(hashes: ReadonlyMap<string, ElementHashes>): Promise<void> {
    return this.#registry.stageHashes(hashes);
  }

  async discard(streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    await this.client.query(plans.discardAppended, [this.startPosition, streamIds]);
    await this.#registry.forget(streamIds);
  }

  async commit(snapshot: SnapshotIngestedV1): Promise<AppliedSnapshot> {
    const inserted = await this.client.query<{ global_position: number }>(plans.appendSnapshotIngested, [
      this.#snapshotStream,
      deterministicEventId(this.#snapshotStream, this.#snapshotStream, 1),
      eventSchemaVersions.SnapshotIngested,
      this.#asOfIso,
      JSON.stringify(snapshot),
      this.#metadataJson,
    ]);
    const globalPosition = inserted.rows[0]?.global_position as number;
    const recorded = await this.client.query<{ ingested_at: Date }>(plans.insertSnapshot, [
      this.asOf,
      snapshot.sha256,
      globalPosition,
      snapshot.source,
      snapshot.counts,
      JSON.stringify(snapshot.dataQuality),
      snapshot.durationMs,
    ]);
    await this.#registry.merge();
    await this.client.query(plans.notifyCommit, [String(globalPosition)]);
    await this.#finish('commit');
    return {
      asOf: this.asOf,
      sha256: snapshot.sha256,
      globalPosition,
      source: snapshot.source,
      counts: snapshot.counts,
      dataQualityProblemCount: snapshot.dataQualityProblemCount,
      durationMs: snapshot.durationMs,
      ingestedAt: recorded.rows[0]?.ingested_at as Date,
    };
  }

  abort(): Promise<void> {
    return this.#finish('rollback');
  }

  async #finish(sql: 'commit' | 'rollback'): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    try {
      await this.client.query(sql);
    } finally {
      this.client.release();
    }
  }

  async #selectSnapshot(sql: string, values: unknown[]): Promise<AppliedSnapshot | undefined> {
    return (await selectSnapshots(this.client, sql, values))[0];
  }
}

function asConflict(error: unknown): unknown {
  const pgError = error as { code?: string; detail?: string };
  return pgError.code === '23505'
    ? new OpaisError(
        'STREAM_VERSION_CONFLICT',
        `an event stream was appended to concurrently: ${pgError.detail}`,
        undefined,
        { cause: error },
      )
    : error;
}
