import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type BatchResult, type ElementBatch, packBatch } from './element-batch.ts';
import type { SplitElement } from './split-covered-entities.ts';

// The worker module beside this one: element-worker.ts where the sources run as TypeScript, element-worker.js
// where they are compiled (`npm run build`, the container image).
const compiled = import.meta.url.endsWith('.js');
const sourceEntry = new URL(compiled ? './element-worker.js' : './element-worker.ts', import.meta.url);
/**
 * A bundle (the Lambda's, infra/build-lambda.ts) is one file with the
 * worker's own bundle, element-worker.mjs, beside it: this module's URL is
 * then the bundle's.
 */
const bundledEntry = new URL('./element-worker.mjs', import.meta.url);

function exists(url: URL): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

/**
 * Whether worker threads can run here: from the TypeScript sources (CLI,
 * tests, bench), compiled, or from a bundle that holds the worker's entry.
 * Elsewhere the reader does the work on its own thread.
 */
export function elementWorkersAvailable(): boolean {
  return exists(bundledEntry) || exists(sourceEntry);
}

/** Node 24 runs a TypeScript entry itself: the worker starts without tsx's hooks. */
const nodeStripsTypes = Boolean((process.features as { typescript?: string | false }).typescript);

/**
 * A worker's young generation, in MB (three semi-spaces' worth: V8 copies
 * survivors between two). V8 would let it grow to 64 MB semi-spaces, ≈ 130
 * MB of new space per worker, for a few MB of live data (one batch and the
 * trees parsed from it). At 24 MB a full-scale re-diff measured the same CPU
 * as at 48 MB (median of 3, 6.9 s against 7.0 s) and ≈ 100 MB less peak RSS
 * than uncapped; at 4 MB collections took a fifth of a worker's time. The
 * old generation is left uncapped: a legitimately large entity must not
 * make a worker fail.
 *
 * V8 lets the process's `--max-semi-space-size` (src/node-options.ts, 16)
 * override this limit: in an opais process a worker's young generation is
 * the main thread's, 2 × 16 MB (measured in the worker). Making the limit
 * win (the flag reset before the worker starts: 2 × 8 MB) did not move a
 * day-0 ingest's peak RSS out of its noise in three interleaved series
 * (docs/performance.md, session 9), so it is left so; the limit holds where
 * a process runs without the flag.
 */
const workerYoungGenerationMb = 24;

function startWorker(): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: workerYoungGenerationMb };
  // A bundle's worker needs none of the process's flags (`node --input-type=module -e` would refuse a file).
  if (exists(bundledEntry)) return new Worker(bundledEntry, { execArgv: [], resourceLimits });
  return compiled || nodeStripsTypes
    ? new Worker(sourceEntry, { resourceLimits })
    : new Worker(workerBootstrap(), { eval: true, resourceLimits });
}

/**
 * Where Node does not strip types, the worker loads its TypeScript through tsx's CommonJS hook. Node 20
 * does not apply loader hooks given with --import to a worker's entry, and
 * tsx's ES-module hooks run in a loader thread of their own, one more
 * V8 heap per worker (≈ 30 MB each, measured); the CommonJS hook runs in the
 * worker itself.
 */
function workerBootstrap(): string {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(sourceEntry))});`;
}

/**
 * A batch for a worker: to be processed (with a buffer to write the
 * canonical JSON into, see CanonicalSink, when the reader has one to spare),
 * or only hashed by layout (see layoutFreeHash).
 */
export type BatchRequest =
  | { task: 'process'; batch: ElementBatch; spare: ArrayBuffer | undefined }
  | { task: 'layout-free-hashes'; batch: ElementBatch };

/** A worker's answer to a batch, with the batch's buffer handed back to be filled again. */
export type BatchAnswer =
  | { task: 'process'; result: BatchResult; spare: ArrayBuffer }
  | { task: 'layout-free-hashes'; hashes: Array<string | undefined>; spare: ArrayBuffer };

/**
 * Buffers the workers and the reader are done with, kept for the next
 * batches: the batches' bytes and the canonical JSON of their results then
 * go back and forth in the same few buffers, each moved, never copied.
 * Before, each batch allocated both anew, and a buffer that had crossed
 * threads was freed only when a full collection found its wrapper, which V8
 * runs after ≈ 64 MB of them: ≈ 60 MB of dead buffers on each thread, and
 * the allocator's arenas fragmented around them (docs/performance.md).
 */
class SpareBuffers {
  private readonly spares: ArrayBuffer[] = [];
  private readonly max: number;
  private readonly maxBytes: number;

  constructor(max: number, maxBytes: number) {
    this.max = max;
    this.maxBytes = maxBytes;
  }

  /** A spare of at least `size` bytes, else a new buffer with room for a batch's overshoot. */
  take(size: number): ArrayBuffer {
    const index = this.spares.findIndex((spare) => spare.byteLength >= size);
    if (index >= 0) return this.spares.splice(index, 1)[0] as ArrayBuffer;
    return new ArrayBuffer(Math.ceil(size * 1.25));
  }

  /** The largest spare, if any: the canonical form is written into it. */
  takeAny(): ArrayBuffer | undefined {
    return this.spares.pop();
  }

  give(spare: ArrayBuffer): void {
    // A batch with one very large entity leaves a buffer not worth keeping.
    if (spare.byteLength <= this.maxBytes && this.spares.length < this.max) this.spares.push(spare);
  }
}

interface Pending {
  resolve: (answer: BatchAnswer) => void;
  reject: (error: Error) => void;
  bytes: number;
}

interface Member {
  worker: Worker;
  /** Batches sent and not yet answered; a worker answers in order. */
  pending: Pending[];
  pendingBytes: number;
  failure: Error | undefined;
}

/**
 * A few worker threads that process element batches. Each batch goes to the
 * worker with the fewest bytes outstanding (one entity can be megabytes);
 * the caller keeps the batches' order.
 */
export class ElementWorkers {
  private readonly members: Member[];
  private readonly spares: SpareBuffers;

  /** `inFlight`: the batches the caller has outstanding at most; `batchBytes`: their usual size. */
  constructor(count: number, inFlight: number, batchBytes: number) {
    this.members = Array.from({ length: count }, () => this.startMember());
    // Two buffers per batch: its bytes and its canonical JSON.
    this.spares = new SpareBuffers(2 * inFlight, 4 * batchBytes);
  }

  async process(elements: readonly SplitElement[]): Promise<BatchResult> {
    const answer = await this.send(elements, (batch) => ({
      task: 'process',
      batch,
      spare: this.spares.takeAny(),
    }));
    return (answer as Extract<BatchAnswer, { task: 'process' }>).result;
  }

  /** The layout-free hash of each element (see layoutFreeHash), in order. */
  async layoutFreeHashes(elements: readonly SplitElement[]): Promise<Array<string | undefined>> {
    const answer = await this.send(elements, (batch) => ({ task: 'layout-free-hashes', batch }));
    return (answer as Extract<BatchAnswer, { task: 'layout-free-hashes' }>).hashes;
  }

  private send(
    elements: readonly SplitElement[],
    requestFor: (batch: ElementBatch) => BatchRequest,
  ): Promise<BatchAnswer> {
    const member = this.members.reduce((best, candidate) =>
      candidate.pendingBytes < best.pendingBytes ? candidate : best,
    );
    if (member.failure) return Promise.reject(member.failure);
    const batch = packBatch(elements, (size) => new Uint8Array(this.spares.take(size)));
    const request = requestFor(batch);
    return new Promise<BatchAnswer>((resolve, reject) => {
      const bytes = batch.bytes.byteLength;
      member.pending.push({ resolve, reject, bytes });
      member.pendingBytes += bytes;
      const moved = [batch.bytes.buffer as ArrayBuffer];
      if (request.task === 'process' && request.spare) moved.push(request.spare);
      member.worker.postMessage(request, moved);
    });
  }

  /** A result's canonical buffer, once nothing refers to it any more: it is written into again. */
  recycle(buffer: ArrayBuffer): void {
    this.spares.give(buffer);
  }

  /** Stops the workers; batches still outstanding are rejected. */
  async close(): Promise<void> {
    await Promise.all(
      this.members.map(async (member) => {
        this.fail(member, new Error('the element workers were closed'));
        await member.worker.terminate();
      }),
    );
  }

  private startMember(): Member {
    const member: Member = {
      worker: startWorker(),
      pending: [],
      pendingBytes: 0,
      failure: undefined,
    };
    member.worker.on('message', (answer: BatchAnswer) => {
      this.spares.give(answer.spare);
      const done = member.pending.shift();
      if (!done) return;
      member.pendingBytes -= done.bytes;
      done.resolve(answer);
    });
    member.worker.on('error', (error) => this.fail(member, error));
    member.worker.on('exit', (code) =>
      this.fail(member, new Error(`an element worker exited with code ${code}`)),
    );
    return member;
  }

  private fail(member: Member, error: Error): void {
    member.failure ??= error;
    for (const pending of member.pending.splice(0)) pending.reject(member.failure);
    member.pendingBytes = 0;
  }
}
