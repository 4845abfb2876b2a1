/**
 * Worker-thread entry: turns batches of element bytes into SnapshotElements,
 * or gives their layout-free hashes (see element-workers.ts), answering each
 * batch in the order received. Loaded as CommonJS from the sources (see
 * there), as an ES module from a bundle: no top-level await.
 */
import { parentPort } from 'node:worker_threads';
import { initContentHash } from './content-hash.ts';
import { batchLayoutFreeHashes, processBatch } from './element-batch.ts';
import type { BatchAnswer, BatchRequest } from './element-workers.ts';

if (!parentPort) throw new Error('element-worker.ts runs only as a worker thread');
const port = parentPort;
const ready = initContentHash();
port.on('message', (request: BatchRequest) => {
  // Callbacks on one promise run in the order they were added: answers keep the batches' order.
  ready.then(() => {
    const spare = request.batch.bytes.buffer as ArrayBuffer;
    if (request.task === 'layout-free-hashes') {
      const answer: BatchAnswer = { task: request.task, hashes: batchLayoutFreeHashes(request.batch), spare };
      port.postMessage(answer, [spare]);
      return;
    }
    const result = processBatch(request.batch, request.spare);
    const answer: BatchAnswer = { task: request.task, result, spare };
    // Both buffers move, neither is copied (see SpareBuffers in element-workers.ts).
    port.postMessage(answer, result.ok ? [result.canonical.buffer as ArrayBuffer, spare] : [spare]);
  });
});
