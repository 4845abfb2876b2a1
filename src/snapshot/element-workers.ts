import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type BatchResult, packBatch } from './element-batch.ts';
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

function startWorker(): Worker {
  // A bundle's worker needs none of the process's flags (`node --input-type=module -e` would refuse a file).
  if (exists(bundledEntry)) return new Worker(bundledEntry, { execArgv: [] });
  return compiled || nodeStripsTypes
    ? new Worker(sourceEntry)
    : new Worker(workerBootstrap(), { eval: true });
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

interface Pending {
  resolve: (result: BatchResult) => void;
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

  constructor(count: number) {
    this.members = Array.from({ length: count }, () => this.startMember());
  }

  process(elements: readonly SplitElement[]): Promise<BatchResult> {
    const member = this.members.reduce((best, candidate) =>
      candidate.pendingBytes < best.pendingBytes ? candidate : best,
    );
    if (member.failure) return Promise.reject(member.failure);
    const batch = packBatch(elements);
    return new Promise<BatchResult>((resolve, reject) => {
      const bytes = batch.bytes.byteLength;
      member.pending.push({ resolve, reject, bytes });
      member.pendingBytes += bytes;
      member.worker.postMessage(batch, [batch.bytes.buffer as ArrayBuffer]);
    });
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
    member.worker.on('message', (result: BatchResult) => {
      const done = member.pending.shift();
      if (!done) return;
      member.pendingBytes -= done.bytes;
      done.resolve(result);
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
