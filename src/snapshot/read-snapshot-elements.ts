import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { readReaderSettings } from '../config.ts';
import { snapshotMalformed } from '../errors.ts';
import { initContentHash, initRawHash, rawHash } from './content-hash.ts';
import { type BatchResult, type ElementFault, processElements, type WireEntity } from './element-batch.ts';
import { ElementWorkers, elementWorkersAvailable } from './element-workers.ts';
import { layoutFreeHash } from './layout-free-hash.ts';
import type { SnapshotElement } from './snapshot-element.ts';
import { CoveredEntitiesSplitter, type SplitElement } from './split-covered-entities.ts';

export interface ReadSnapshotOptions {
  /**
   * Worker threads that parse, check, canonicalise and hash elements (or,
   * on a day the file was re-rendered, only hash them by layout), while this
   * thread reads, splits and hashes the raw bytes, and is left free for the
   * consumer (the diff and the store). 0: all on this thread. Default:
   * OPAIS_READER_WORKERS, else one per core but one (at most 4).
   */
  workers?: number;
  /**
   * Raw hashes (see rawHash) of the previous snapshot's elements, with the
   * stream each belongs to: an element whose bytes hash to one of them is
   * yielded as `known` without being parsed.
   */
  knownElements?: ReadonlyMap<string, string>;
  /**
   * Layout-free hashes (see layoutFreeHash) of the previous snapshot's
   * entities, with the stream each belongs to: an element whose bytes
   * changed but whose hash is one of them (the same entity, laid out anew)
   * is yielded as `known` without being parsed.
   */
  knownLayouts?: ReadonlyMap<string, string>;
  /** The largest element held (default: OPAIS_MAX_ELEMENT_BYTES, see readReaderSettings). */
  maxElementBytes?: number;
  /**
   * Element bytes parsed on this thread before the workers may start
   * (default: OPAIS_READER_WORKERS_AFTER_BYTES, 4 MiB). They start once at
   * least this many, and a quarter of the bytes read, had to be parsed
   * (neither their raw nor their layout-free hash known, both worked out on
   * this thread), or had to be hashed by layout (their raw hash not known,
   * the previous snapshot's layout-free hashes given). Starting one costs
   * ≈ 0.25–0.5 s of CPU (it loads and compiles the reader), which, when
   * workers were started for the last batches of a daily delta (≈ 2% of it
   * parsed, 8.4 MB at full scale), lay on the delta's critical path (2.5–2.9
   * s without workers, 2.8–3.9 s with two). On a day HRSA re-rendered the
   * file, the workers hash the elements by layout while this thread splits
   * and hashes their bytes; the few not recognised are parsed here, unless
   * they too reach this threshold. A file parsed whole starts them after
   * its first 1%.
   */
  workersAfterBytes?: number;
}

/** Elements are processed in batches of about this many bytes. */
const batchBytes = 512 * 1024;
/** Batches a worker may have outstanding before reading waits for the oldest. */
const batchesPerWorker = 3;
/** Each worker costs its own heap; more than this is not worth it for one export. */
const maxWorkers = 4;

interface Slot {
  result: Promise<BatchResult>;
  /** Puts the result in file order with the elements known without parsing (see withElementHashes). */
  merge: (result: BatchResult) => Merged;
  /** Where the result's canonical buffer goes once its entities are copied out, if a worker parsed them. */
  recycle?: (buffer: ArrayBuffer) => void;
  settled: boolean;
}

/**
 * The elements of a snapshot's `coveredEntities`, in file order, parsed,
 * checked, canonicalised and hashed (SnapshotElement). Reading is driven by
 * the consumer: only a few batches are read ahead, so memory stays bounded
 * however slowly the elements are used, and an early `break` stops the read
 * and the workers. A malformed document throws an OpaisError
 * SNAPSHOT_MALFORMED naming `fileName` and the byte offset or entity index,
 * the first fault in file order; elements before it may already have been
 * yielded, so a consumer commits nothing until the iteration has ended.
 *
 * Decoding, parsing, checking, canonicalising and hashing cost about eight
 * times the splitting, so they run in worker threads fed with batches of
 * element bytes, and this thread stays free for the consumer; so does the
 * layout-free hash on a re-rendered day, 1.5 times the splitting. The
 * figures and what limits them are in docs/performance.md.
 */
export async function* readSnapshotElements(
  json: Readable,
  fileName: string,
  options: ReadSnapshotOptions = {},
): AsyncGenerator<SnapshotElement, void, undefined> {
  await Promise.all([initContentHash(), initRawHash()]);
  const known = options.knownElements;
  const knownLayouts = options.knownLayouts ?? new Map<string, string>();
  const settings = readReaderSettings();
  const workerCount = options.workers ?? settings.workers ?? defaultWorkerCount();
  const workersAfterBytes = options.workersAfterBytes ?? settings.workersAfterBytes;
  // Started once enough has had to be parsed, or hashed by layout, on this thread (see workersAfterBytes).
  let workers: ElementWorkers | undefined;
  // Whether elements are parsed by the workers; until then, the bytes parsed and read here.
  let parseInWorkers = false;
  let parsedHere = 0;
  let readHere = 0;
  // Whether the batch being gathered leaves its elements of unknown bytes to be hashed by layout in the
  // workers (see recognisedByLayout); until then, the bytes hashed by layout here.
  let layoutsInWorkers = false;
  let layoutHashedHere = 0;
  // Results wait here in file order; a slow batch at the head holds back at most this many behind it.
  const maxQueued = batchesPerWorker * workerCount + 2;
  const splitter = new CoveredEntitiesSplitter(fileName, {
    maxElementBytes: options.maxElementBytes ?? settings.maxElementBytes,
  });
  const queue: Slot[] = [];
  let batch: SplitElement[] = [];
  let batchSize = 0;
  // This batch's elements in order: the raw and layout-free hash of each, and those known without parsing.
  let rawHashes: string[] = [];
  let layoutFreeHashes: Array<string | undefined> = [];
  let knownOnes: SnapshotElement[] = [];

  const pool = () => {
    workers ??= new ElementWorkers(workerCount, maxQueued, batchBytes);
    return workers;
  };
  const inWorker = <T>(work: Promise<T>) =>
    work.catch((error: Error) => {
      throw new Error(`${fileName}: reading the snapshot failed in a worker thread: ${error.message}`, {
        cause: error,
      });
    });
  // Parsed here until enough was (see workersAfterBytes), then by the workers.
  const parse = (elements: readonly SplitElement[], slot: Slot): BatchResult | Promise<BatchResult> => {
    if (elements.length === 0) return noElements;
    if (!parseInWorkers) {
      for (const element of elements) parsedHere += element.bytes.length;
      parseInWorkers = workerCount > 0 && parsedHere >= workersAfterBytes && parsedHere * 4 >= readHere;
      if (!parseInWorkers) return processElements(elements);
    }
    const workers = pool();
    slot.recycle = (buffer) => workers.recycle(buffer);
    return inWorker(workers.process(elements));
  };

  const submit = () => {
    const elements = batch;
    const slot: Slot = {
      result: Promise.resolve(noElements),
      merge: withElementHashes(rawHashes, layoutFreeHashes, knownOnes),
      settled: false,
    };
    if (!parseInWorkers) readHere += batchSize;
    if (layoutsInWorkers && elements.length > 0) {
      const [raw, layouts, knownHere] = [rawHashes, layoutFreeHashes, knownOnes];
      slot.result = inWorker(pool().layoutFreeHashes(elements)).then((hashes) =>
        parse(recognisedByLayout(elements, hashes, raw, layouts, knownHere, knownLayouts), slot),
      );
    } else {
      const parsed = parse(elements, slot);
      slot.result = Promise.resolve(parsed);
      slot.settled = !(parsed instanceof Promise);
    }
    // From the next batch on. A re-rendered day: few elements to parse, but all to hash by layout, which a
    // worker can do meanwhile. (readHere stops counting once the workers parse: they are running by then.)
    layoutsInWorkers ||=
      workerCount > 0 &&
      knownLayouts.size > 0 &&
      layoutHashedHere >= workersAfterBytes &&
      layoutHashedHere * 4 >= readHere;
    batch = [];
    batchSize = 0;
    rawHashes = [];
    layoutFreeHashes = [];
    knownOnes = [];
    // Awaited in turn below; until then a failure must not count as unhandled.
    slot.result.then(
      () => {
        slot.settled = true;
      },
      () => {
        slot.settled = true;
      },
    );
    queue.push(slot);
  };
  // A batch's entities are made (their canonical bytes copied out) only when their turn comes: made on arrival,
  // they waited behind the batches before them long enough to outlive the young generation (≈ 90 MB more of
  // old space, measured when they were decoded into strings).
  const next = async () => {
    const slot = queue.shift() as Slot;
    const result = await slot.result;
    const merged = slot.merge(result);
    if (result.ok) slot.recycle?.(result.canonical.buffer as ArrayBuffer);
    return elementsOf(merged);
  };

  try {
    try {
      for await (const chunk of json) {
        for (const element of splitter.push(chunk as Buffer)) {
          const hash = rawHash(element.bytes);
          rawHashes.push(hash);
          let streamId = known?.get(hash);
          if (streamId === undefined && layoutsInWorkers) {
            // Hashed by layout, then looked up, once the workers answer (see recognisedByLayout).
            layoutFreeHashes.push(undefined);
            batch.push(element);
          } else {
            // Bytes seen before are hashed no further; others may be an entity laid out anew.
            const layoutFree = streamId === undefined ? layoutFreeHash(element.bytes) : undefined;
            layoutFreeHashes.push(layoutFree);
            if (layoutFree !== undefined) {
              layoutHashedHere += element.bytes.length;
              streamId = knownLayouts.get(layoutFree);
            }
            if (streamId === undefined) batch.push(element);
            else knownOnes.push(knownElement(element, streamId, hash));
          }
          batchSize += element.bytes.length;
          if (batchSize >= batchBytes) submit();
        }
        while (queue.length > 0 && ((queue[0] as Slot).settled || queue.length > maxQueued))
          yield* await next();
      }
      splitter.end();
    } catch (error) {
      // A fault in an element read earlier comes first in the file: report that one.
      while (queue.length > 0) await next();
      if (batch.length > 0) {
        const result = processElements(batch);
        if (!result.ok) throw malformedElement(fileName, result.fault);
      }
      throw error;
    }
    if (rawHashes.length > 0) submit();
    while (queue.length > 0) yield* await next();
  } finally {
    json.destroy();
    await workers?.close();
  }

  function elementsOf(result: Merged): SnapshotElement[] {
    if (!result.ok) throw malformedElement(fileName, result.fault);
    return result.elements;
  }
}

type Merged = { ok: true; elements: SnapshotElement[] } | { ok: false; fault: ElementFault };

/**
 * A batch whose elements of unknown bytes were hashed by layout in a worker:
 * each hash goes to its place among the batch's, an element whose hash is
 * known joins those known without parsing (in file order), and the others
 * are returned, to be parsed.
 */
function recognisedByLayout(
  elements: readonly SplitElement[],
  hashes: ReadonlyArray<string | undefined>,
  rawHashes: readonly string[],
  layoutFreeHashes: Array<string | undefined>,
  knownOnes: SnapshotElement[],
  knownLayouts: ReadonlyMap<string, string>,
): SplitElement[] {
  // The batch's hashes are by position, from its first element (known or not) on.
  const firstIndex = Math.min(elements[0]?.index ?? Infinity, knownOnes[0]?.index ?? Infinity);
  const toParse: SplitElement[] = [];
  let recognised = false;
  elements.forEach((element, k) => {
    const hash = hashes[k];
    const position = element.index - firstIndex;
    layoutFreeHashes[position] = hash;
    const streamId = hash === undefined ? undefined : knownLayouts.get(hash);
    if (streamId === undefined) toParse.push(element);
    else {
      recognised = true;
      knownOnes.push(knownElement(element, streamId, rawHashes[position] as string));
    }
  });
  if (recognised) knownOnes.sort((a, b) => a.index - b.index);
  return toParse;
}

/** An element recognised by a hash, yielded without being parsed. */
function knownElement(element: SplitElement, streamId: string, rawHash: string): SnapshotElement {
  return { kind: 'known', index: element.index, offset: element.offset, streamId, rawHash };
}

const noElements: BatchResult = { ok: true, elements: [], canonical: new Uint8Array(0) };

/**
 * Puts a batch back in file order: the parsed elements (given their raw and
 * layout-free hash) merged by index with those known without parsing.
 */
function withElementHashes(
  rawHashes: readonly string[],
  layoutFreeHashes: ReadonlyArray<string | undefined>,
  knownOnes: readonly SnapshotElement[],
) {
  return (result: BatchResult): Merged => {
    if (!result.ok) return result;
    const firstIndex = Math.min(result.elements[0]?.index ?? Infinity, knownOnes[0]?.index ?? Infinity);
    const merged: SnapshotElement[] = [];
    let parsed = 0;
    let skipped = 0;
    let canonicalStart = 0;
    while (parsed < result.elements.length || skipped < knownOnes.length) {
      const next = result.elements[parsed];
      const knownNext = knownOnes[skipped];
      if (next && (!knownNext || next.index < knownNext.index)) {
        if (next.kind === 'entity') {
          next.rawHash = rawHashes[next.index - firstIndex];
          const layoutFree = layoutFreeHashes[next.index - firstIndex];
          if (layoutFree !== undefined) next.layoutFreeHash = layoutFree;
          merged.push(entityOf(next, result.canonical, canonicalStart));
          canonicalStart = next.canonicalEnd;
        } else merged.push(next);
        parsed += 1;
      } else {
        merged.push(knownNext as SnapshotElement);
        skipped += 1;
      }
    }
    return { ok: true, elements: merged };
  };
}

/**
 * The entity with its canonical JSON copied out of the batch's bytes, at
 * once, so that the batch's buffer is free to be written into again (see
 * SpareBuffers in element-workers.ts): a buffer kept for later outlived its
 * batch and was freed only by a full collection. Copied, not decoded: the
 * events carry the bytes as they are (src/events/entity-events.ts).
 */
function entityOf(wire: WireEntity, canonical: Uint8Array, start: number): SnapshotElement {
  const { canonicalEnd, ...entity } = wire;
  return { ...entity, canonical: Buffer.from(canonical.subarray(start, canonicalEnd)) };
}

function malformedElement(fileName: string, fault: ElementFault) {
  return snapshotMalformed(fileName, { index: fault.index, offset: fault.offset }, fault.reason);
}

/**
 * One per core but this thread's: the reader's own thread is busy too
 * (splitting, raw hashes, then the diff and the store). On 2 cores, one
 * worker measured faster than two (first ingest 10.45 s against 11.03 s,
 * re-rendered next day 3.26 s against 3.36 s, medians of 3, interleaved)
 * and ≈ 35 MB lighter.
 */
function defaultWorkerCount(): number {
  return elementWorkersAvailable() ? Math.min(availableParallelism() - 1, maxWorkers) : 0;
}
