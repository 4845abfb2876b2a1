/**
 * Worker-thread entry: turns batches of element bytes into SnapshotElements
 * (see element-workers.ts), answering each batch in the order received.
 * Loaded as CommonJS from the sources (see there), as an ES module from a
 * bundle: no top-level await.
 */
import { parentPort } from 'node:worker_threads';
import { initContentHash } from './content-hash.ts';
import { processBatch } from './element-batch.ts';
import type { BatchAnswer, BatchRequest } from './element-workers.ts';

if (!parentPort) throw new Error('element-worker.ts runs only as a worker thread');
const port = parentPort;
const ready = initContentHash();
port.on('message', ({ batch, spare: canonicalSpare }: BatchRequest) => {
  // Callbacks on one promise run in the order they were added: answers keep the batches' order.
  ready.then(() => {
    const result = processBatch(batch, canonicalSpare);
    const spare = batch.bytes.buffer as ArrayBuffer;
    const answer: BatchAnswer = { result, spare };
    // Both buffers move, neither is copied (see SpareBuffers in element-workers.ts).
    port.postMessage(answer, result.ok ? [result.canonical.buffer as ArrayBuffer, spare] : [spare]);
  });
});
