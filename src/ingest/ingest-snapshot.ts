import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { changedPaths } from '../diff/changed-paths.ts';
import { classifyElement, removedStreams } from '../diff/classify-element.ts';
import { entityChanges } from '../diff/entity-changes.ts';
import { MemberPaths } from '../diff/member-paths.ts';
import { OpaisError } from '../errors.ts';
import { changedEvent, registeredEvent, removedEvent } from '../events/entity-events.ts';
import type { DataQualityProblem, SnapshotCounts, SnapshotSourceInfo } from '../events/event-types.ts';
import { entityStreamId } from '../events/stream-names.ts';
import { readSnapshotElements } from '../snapshot/read-snapshot-elements.ts';
import type { SnapshotElement } from '../snapshot/snapshot-element.ts';
import type { SnapshotSource } from '../source/snapshot-source.ts';
import type {
  ElementHashes,
  EventStore,
  IngestSession,
  NewEntityEvent,
  Registry,
  RegistryEntry,
} from '../store/event-store.ts';
import { guardMassChange, type MassChangeOptions } from './guard-mass-change.ts';

export interface IngestOptions extends MassChangeOptions {
  store: EventStore;
  source: SnapshotSource;
  /** The snapshot's as-of instant; defaults to the source's last-modified time. */
  asOf?: Date;
  /** Refuse a snapshot that would remove more than this share of the current entities (default 0.05). */
  maxRemovalRatio?: number;
  allowMassRemoval?: boolean;
  /** Wait for a running ingest to finish (default) or refuse at once. */
  wait?: boolean;
  onProgress?: (progress: IngestProgress) => void;
  /** Takes turns with other exports waiting at the same time (see ingest-in-order.ts). */
  turn?: IngestTurn;
}

/** Exports waiting at the same time take the single-writer lock in as-of order. */
export interface IngestTurn {
  /** The as-of is known: the export is waiting from now on (called once per attempt, first). */
  arrive(asOf: Date): Promise<void>;
  /** Asked holding the lock, at the start and again before commit: false when an earlier export waits. */
  isMine(): Promise<boolean>;
}

/** The ingest gave way to an export with an earlier as-of; nothing was appended. */
export class NotYourTurn extends Error {}

export interface IngestProgress {
  bytes: number;
  totalBytes: number | undefined;
  entities: number;
}

export interface IngestSummary extends Omit<SnapshotCounts, 'entities' | 'duplicates'> {
  asOf: string;
  source: string;
  sha256: string;
  alreadyApplied: boolean;
  durationMs: number;
  entities: number;
  duplicates: number;
  dataQualityProblemCount: number;
  dataQuality: DataQualityProblem[];
  /** Global position of the SnapshotIngested event (of the earlier ingest when already applied). */
  globalPosition: number;
  sourceInfo: SnapshotSourceInfo;
  /** Why many entities changed at once, if they did (SnapshotIngested's members of the same names); absent when already applied. */
  newMembers?: string[];
  vanishedMembers?: string[];
}

/** How many data-quality problems a SnapshotIngested event and a summary list. */
const listedProblemLimit = 100;
/**
 * Events are written in batches of this many, or of this many bytes of
 * canonical JSON. A batch lives until its COPY is done, long enough to
 * outlive the young generation: what it holds (the entities, their events,
 * the COPY text) is promoted and then waits for a full collection. Batches
 * of 100 instead of 500 took a day-0 ingest's peak RSS from ≈ 530 to
 * ≈ 390 MB (with --max-semi-space-size=8), at the same CPU; 2,000 / 16 MB
 * before that measured ≈ 550 MB. 50 / 512 kB instead of 100 / 1 MiB: a
 * day-0 ingest's peak RSS, 10 runs each, interleaved in both orders, median
 * 312 -> 296 MB (292-356 against 273-336), CPU median 13.8 -> 13.5 s.
 */
const batchEvents = 50;
const batchBytes = 512 * 1024;
/** Element hashes are recorded at the latest with this many (a re-rendered day has hashes and no events). */
const batchHashes = 8192;

const utf8 = new TextDecoder();

/** A key listed more than once (rare): how its repeats are counted. */
interface Repeats {
  elements: number;
  identicalRepeats: number;
  conflict: boolean;
}

/** What a summary says beyond the source: the outcome of the ingest, or of the earlier one it found. */
interface Outcome {
  asOf: Date;
  alreadyApplied: boolean;
  counts: SnapshotCounts;
  problems: readonly DataQualityProblem[];
  durationMs: number;
  globalPosition: number;
}

interface PendingEntity {
  element: Extract<SnapshotElement, { kind: 'entity' }>;
  streamId: string;
  outcome: 'registered' | 'changed';
}

/**
 * Streams one snapshot through the diff into the store (docs/data-contract.md#ingest-rules): each
 * entity is compared with the registry as it arrives and its event written
 * inside the open ingest transaction; only once the whole file has parsed
 * and every check passed (not applied yet, as-of later, removals within the
 * guard) is the SnapshotIngested event written and everything committed.
 * Any failure aborts, leaving the store as it was.
 */
export async function ingestSnapshot(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const opened = await options.source.open();
  const asOf = options.asOf ?? opened.lastModified;
  if (!asOf || Number.isNaN(asOf.getTime())) {
    opened.json.destroy();
    throw new OpaisError(
      'AS_OF_MISSING',
      `${options.source.name}: no as-of instant given and none could be derived`,
    );
  }

  let session: IngestSession;
  try {
    await options.turn?.arrive(asOf);
    session = await options.store.beginIngest({ asOf, wait: options.wait ?? true });
  } catch (error) {
    opened.json.destroy();
    throw error;
  }
  const giveWayIfNotMine = async () => {
    if (options.turn && !(await options.turn.isMine())) throw new NotYourTurn();
  };

  try {
    await giveWayIfNotMine();
    const registry = await session.loadRegistry();
    const progress: IngestProgress = { bytes: 0, totalBytes: opened.jsonBytes, entities: 0 };
    const json = options.onProgress
      ? countBytes(opened.json, (bytes) => {
          progress.bytes = bytes;
          options.onProgress?.(progress);
        })
      : opened.json;
    const diff = await diffElements(
      session,
      registry,
      readSnapshotElements(json, options.source.name, recognisableElements(registry)),
      progress,
    );

    const sha256 = await opened.sha256();
    const sourceInfo = opened.info;
    const applied = await session.findSnapshotBySha256(sha256);
    const summary = (outcome: Outcome): IngestSummary => ({
      ...outcome.counts,
      asOf: outcome.asOf.toISOString(),
      source: options.source.name,
      sha256,
      alreadyApplied: outcome.alreadyApplied,
      durationMs: outcome.durationMs,
      dataQualityProblemCount: outcome.problems.length,
      dataQuality: outcome.problems.slice(0, listedProblemLimit),
      globalPosition: outcome.globalPosition,
      sourceInfo,
    });
    if (applied) {
      await session.abort();
      return summary({
        asOf: applied.asOf,
        alreadyApplied: true,
        counts: { ...emptyCounts(), entities: diff.entities },
        problems: [],
        durationMs: Math.round(performance.now() - started),
        globalPosition: applied.globalPosition,
      });
    }
    const last = await session.lastSnapshot();
    if (last && asOf.getTime() <= last.asOf.getTime()) {
      throw new OpaisError(
        'AS_OF_NOT_LATER',
        `${options.source.name}: as-of ${asOf.toISOString()} is not later than the last applied snapshot (${last.asOf.toISOString()}); nothing was appended`,
        { asOf: asOf.toISOString(), lastAsOf: last.asOf.toISOString() },
      );
    }

    await session.discard(diff.conflicting);
    // In stream-id order: the registry comes in the store's physical row order, which differs between a store
    // that saw killed or aborted ingests and one that did not, and the log must not depend on it.
    const removals = [...removedStreams(registry, diff.seen)].sort();
    guardMassRemoval(options, registry, removals.length);
    const members = { newMembers: diff.memberPaths.appeared(), vanishedMembers: diff.memberPaths.vanished() };
    guardMassChange(
      { ...options, source: options.source.name },
      { changed: diff.counts.changed, current: currentEntities(registry), ...members },
    );
    await session.append(
      removals.map((streamId) => {
        const previous = registry.get(streamId) as RegistryEntry;
        return removedEvent(
          { id340B: previous.id340B, ceId: previous.ceId, streamVersion: previous.streamVersion + 1 },
          previous.contentHash,
        );
      }),
    );

    const counts: SnapshotCounts = { ...diff.counts, removed: removals.length };
    const durationMs = Math.round(performance.now() - started);
    // An earlier export that arrived while this one was being read goes first; this one is read again after it.
    await giveWayIfNotMine();
    const committed = await session.commit({
      asOf: asOf.toISOString(),
      source: sourceInfo,
      sha256,
      counts,
      dataQualityProblemCount: diff.problems.length,
      dataQuality: diff.problems.slice(0, listedProblemLimit),
      durationMs,
      ...members,
    });
    return {
      ...summary({
        asOf,
        alreadyApplied: false,
        counts,
        problems: diff.problems,
        durationMs,
        globalPosition: committed.globalPosition,
      }),
      ...members,
    };
  } catch (error) {
    opened.json.destroy();
    await session.abort();
    throw error;
  }
}

function emptyCounts(): Omit<SnapshotCounts, 'entities'> {
  return { registered: 0, changed: 0, removed: 0, unchanged: 0, skipped: 0, duplicates: 0 };
}

/** The streaming half: every element classified, entity events appended in batches. */
async function diffElements(
  session: IngestSession,
  registry: Registry,
  elements: AsyncIterable<SnapshotElement>,
  progress: IngestProgress,
) {
  const counts: SnapshotCounts = { entities: 0, ...emptyCounts() };
  const problems: DataQualityProblem[] = [];
  // Key → the content hash of its first element: all that is held of each of a day 0's 90,000 entities.
  const seen = new Map<string, string>();
  const repeats = new Map<string, Repeats>();
  let pending: PendingEntity[] = [];
  let pendingBytes = 0;
  // Recorded with each batch's events, not held to the end (a conflicting key's are taken back with its events).
  let elementHashes = new Map<string, ElementHashes>();

  const memberPaths = new MemberPaths();
  // One batch's events are written while the next batch is read: PostgreSQL
  // turns JSON into jsonb on its own core meanwhile.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = pending;
    const hashes = elementHashes;
    pending = [];
    pendingBytes = 0;
    elementHashes = new Map();
    await writing;
    writing = toEvents(session, registry, batch, memberPaths)
      .then((events) => session.append(events))
      .then(() => session.recordElementHashes(hashes));
    writing.catch(() => {}); // awaited at the next flush; meanwhile a failure is not "unhandled"
  };

  for await (const element of elements) {
    counts.entities += 1;
    progress.entities = counts.entities;
    if (element.kind === 'problem') {
      counts.skipped += 1;
      problems.push(element.problem);
      continue;
    }
    const key = keyOf(element, registry);
    const firstHash = seen.get(key.streamId);
    if (firstHash !== undefined) {
      let repeated = repeats.get(key.streamId);
      if (!repeated) {
        repeated = { elements: 1, identicalRepeats: 0, conflict: false };
        repeats.set(key.streamId, repeated);
      }
      repeated.elements += 1;
      if (firstHash === key.contentHash) {
        repeated.identicalRepeats += 1;
        counts.duplicates += 1;
      } else if (!repeated.conflict) {
        repeated.conflict = true;
        problems.push({
          code: 'CONFLICTING_DUPLICATE',
          index: element.index,
          offset: element.offset,
          id340B: key.id340B,
          ceId: key.ceId,
          message: `key ${key.id340B}/${key.ceId} is listed again with different content; the key is left as it was`,
        });
      }
      continue;
    }
    const previous = registry.get(key.streamId);
    // A known element is one of the registry's current entities, as it stood: unchanged.
    const outcome = classifyElement(previous, key.contentHash);
    seen.set(key.streamId, key.contentHash);
    counts[outcome] += 1;
    const hashes = elementHashesOf(element, previous);
    if (hashes) elementHashes.set(key.streamId, hashes);
    if (element.kind === 'entity' && outcome !== 'unchanged') {
      pending.push({ element, streamId: key.streamId, outcome });
      pendingBytes += element.canonical.length;
    }
    if (pending.length >= batchEvents || pendingBytes >= batchBytes || elementHashes.size >= batchHashes)
      await flush();
  }
  await flush();
  await writing;

  const conflicting: string[] = [];
  for (const [streamId, repeated] of repeats) {
    if (!repeated.conflict) continue;
    conflicting.push(streamId);
    counts[classifyElement(registry.get(streamId), seen.get(streamId) as string)] -= 1;
    // All of a conflicting key's elements are skipped, none a harmless duplicate.
    counts.skipped += repeated.elements;
    counts.duplicates -= repeated.identicalRepeats;
  }
  return { counts, problems, seen, conflicting, memberPaths, entities: counts.entities };
}

/**
 * The hashes to record for an element's stream, when they differ from the
 * registry's: a parsed element's own; a known one's raw hash, when it was
 * recognised by its layout-free hash (which stays the registry's).
 */
function elementHashesOf(
  element: Exclude<SnapshotElement, { kind: 'problem' }>,
  previous: RegistryEntry | undefined,
): ElementHashes | undefined {
  if (element.kind === 'known') {
    if (element.rawHash === previous?.rawHash) return undefined;
    return { rawHash: element.rawHash, ...layoutFreeOf(previous) };
  }
  const { rawHash, layoutFreeHash } = element;
  if (rawHash === undefined) return undefined;
  if (rawHash === previous?.rawHash && layoutFreeHash === previous?.layoutFreeHash) return undefined;
  return { rawHash, ...layoutFreeOf(element) };
}

function layoutFreeOf(holder: { layoutFreeHash?: string } | undefined) {
  return holder?.layoutFreeHash === undefined ? {} : { layoutFreeHash: holder.layoutFreeHash };
}

/** The key and content hash of an element; a known element's are the registry's. */
function keyOf(element: Exclude<SnapshotElement, { kind: 'problem' }>, registry: Registry) {
  if (element.kind === 'entity') {
    const { id340B, ceId, contentHash } = element;
    return { streamId: entityStreamId(id340B, ceId), id340B, ceId, contentHash };
  }
  const { id340B, ceId, contentHash } = registry.get(element.streamId) as RegistryEntry;
  return { streamId: element.streamId, id340B, ceId, contentHash };
}

/** Raw and layout-free hash → stream of the current entities: what the reader may recognise without parsing. */
function recognisableElements(registry: Registry) {
  const knownElements = new Map<string, string>();
  const knownLayouts = new Map<string, string>();
  for (const [streamId, entry] of registry) {
    if (!entry.isCurrent) continue;
    if (entry.rawHash) knownElements.set(entry.rawHash, streamId);
    if (entry.layoutFreeHash) knownLayouts.set(entry.layoutFreeHash, streamId);
  }
  return { knownElements, knownLayouts };
}

async function toEvents(
  session: IngestSession,
  registry: Registry,
  pending: PendingEntity[],
  memberPaths: MemberPaths,
): Promise<NewEntityEvent[]> {
  const changed = pending.filter((entry) => entry.outcome === 'changed');
  const before = changed.length
    ? await session.readCurrentEntities(
        changed.map(({ streamId }) => ({
          streamId,
          streamVersion: registry.get(streamId)?.streamVersion ?? 0,
        })),
      )
    : new Map();
  return pending.map(({ element, streamId, outcome }) => {
    const previous = registry.get(streamId);
    const ref = {
      id340B: element.id340B,
      ceId: element.ceId,
      streamVersion: (previous?.streamVersion ?? 0) + 1,
    };
    if (outcome === 'registered') return registeredEvent(ref, element.contentHash, element.canonical);
    const previousEntity = before.get(streamId);
    if (!previousEntity)
      throw new Error(`event store has no state for ${streamId} version ${previous?.streamVersion}`);
    const entity = JSON.parse(utf8.decode(element.canonical));
    memberPaths.add(previousEntity, entity);
    return changedEvent(
      ref,
      element.contentHash,
      previous?.contentHash as string,
      changedPaths(previousEntity, entity),
      entityChanges(previousEntity, entity),
      element.canonical,
    );
  });
}

function guardMassRemoval(options: IngestOptions, registry: Registry, removals: number): void {
  if (options.allowMassRemoval || removals === 0) return;
  const current = currentEntities(registry);
  const ratio = options.maxRemovalRatio ?? 0.05;
  if (removals / current > ratio) {
    throw new OpaisError(
      'MASS_REMOVAL',
      `${options.source.name}: the snapshot would remove ${removals} of ${current} current entities (${((100 * removals) / current).toFixed(1)}%, more than ${(100 * ratio).toFixed(1)}%); nothing was appended. If this is intended, allow it explicitly (--allow-mass-removal).`,
      { removals, current, ratio },
    );
  }
}

function currentEntities(registry: Registry): number {
  let current = 0;
  for (const entry of registry.values()) if (entry.isCurrent) current += 1;
  return current;
}

/** Counts the bytes that pass, for progress; errors of the source reach the reader through the pipeline. */
function countBytes(json: Readable, onBytes: (bytes: number) => void): Readable {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      onBytes(bytes);
      callback(null, chunk);
    },
  });
  pipeline(json, counter).catch(() => {});
  return counter;
}
