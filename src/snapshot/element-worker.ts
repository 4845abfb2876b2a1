/**
 * Worker-thread entry: turns batches of element bytes into SnapshotElements
 * (see element-workers.ts), answering each batch in the order received.
 * Loaded as CommonJS from the sources (see there), as an ES module from a
 * bundle: no top-level await.
 */
import { parentPort } from 'node:worker_threads';
import { initContentHash } from './content-hash.ts';
import { type ElementBatch, processBatch } from './element-batch.ts';

if (!parentPort) throw new Error('element-worker.ts runs only as a worker thread');
const port = parentPort;
const ready = initContentHash();
port.on('message', (batch: ElementBatch) => {
  // Callbacks on one promise run in the order they were added: answers keep the batches' order.
  ready.then(() => port.postMessage(processBatch(batch)));
});
