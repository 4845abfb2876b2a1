import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { snapshotMalformed } from '../errors.ts';
import { initContentHash } from './content-hash.ts';
import { type BatchResult, type ElementFault, processElements } from './element-batch.ts';
import { ElementWorkers, elementWorkersAvailable } from './element-workers.ts';
import type { SnapshotElement } from './snapshot-element.ts';
import { CoveredEntitiesSplitter, type SplitElement } from './split-covered-entities.ts';

export interface ReadSnapshotOptions {
  /**
   * Worker threads that parse, check, canonicalise and hash elements beside
   * this thread, which reads, splits and takes its share of batches whenever
   * the workers are busy. 0: all on this thread. Default: one less than the
   * cores (at most 3), where the workers can run.
   */
  workers?: number;
}

/** Elements are processed in batches of about this many bytes. */
const batchBytes = 512 * 1024;
/** Batches a worker may have outstanding before this thread processes the next one itself. */
const batchesPerWorker = 3;

interface Slot {
  result: Promise<BatchResult>;
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
 * Parsing and canonicalising cost about six times the splitting, so they
 * are shared with worker threads (see the figures in bench/).
 */
export async function* readSnapshotElements(
  json: Readable,
  fileName: string,
  options: ReadSnapshotOptions = {},
): AsyncGenerator<SnapshotElement, void, undefined> {
  await initContentHash();
  const workerCount = options.workers ?? defaultWorkerCount();
  const workers = workerCount > 0 ? new ElementWorkers(workerCount) : undefined;
  // Results wait here in file order; a slow batch at the head holds back at most this many behind it.
  const maxQueued = batchesPerWorker * workerCount + 2;
  const splitter = new CoveredEntitiesSplitter(fileName);
  const queue: Slot[] = [];
  let batch: SplitElement[] = [];
  let batchSize = 0;

  const submit = () => {
    const elements = batch;
    batch = [];
    batchSize = 0;
    if (!workers?.hasRoom(batchesPerWorker)) {
      queue.push({ result: Promise.resolve(processElements(elements)), settled: true });
      return;
    }
    const slot: Slot = {
      result: workers.process(elements).catch((error: Error) => {
        throw new Error(`${fileName}: reading the snapshot failed in a worker thread: ${error.message}`, {
          cause: error,
        });
      }),
      settled: false,
    };
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
  const next = async () => elementsOf(await (queue.shift() as Slot).result);

  try {
    try {
      for await (const chunk of json) {
        for (const element of splitter.push(chunk as Buffer)) {
          batch.push(element);
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
      if (batch.length > 0) elementsOf(processElements(batch));
      throw error;
    }
    if (batch.length > 0) submit();
    while (queue.length > 0) yield* await next();
  } finally {
    json.destroy();
    await workers?.close();
  }

  function elementsOf(result: BatchResult): SnapshotElement[] {
    if (!result.ok) throw malformedElement(fileName, result.fault);
    return result.elements;
  }
}

function malformedElement(fileName: string, fault: ElementFault) {
  return snapshotMalformed(fileName, { index: fault.index, offset: fault.offset }, fault.reason);
}

function defaultWorkerCount(): number {
  return elementWorkersAvailable() ? Math.min(availableParallelism() - 1, 3) : 0;
}
