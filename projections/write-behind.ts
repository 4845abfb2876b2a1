import type pg from 'pg';
import { appendCopyRows, type CopyRowWriter, submitCopy } from '../src/store/postgres/copy-rows.ts';

/**
 * A projector's access to the snapshot's connection. Writes are queued, not
 * awaited: PostgreSQL takes in one projector's rows while Node derives the
 * next one's. Rows for a table are gathered across chunks into COPYs of a
 * few MB, because each statement waits for Node's event loop twice (to send
 * it, then to hand over its data) and the loop turns only between chunks of
 * work. Awaiting every chunk's COPY kept the two taking turns (full-scale
 * day-0: 7.5 s of a 20 s projection with Node idle); queuing 360 small
 * COPYs left PostgreSQL waiting on ClientRead instead.
 */
export interface Writes {
  /** Queues the rows that `rows` writes for `table`, as COPY text; the rows of several calls may go in one COPY. */
  copy(table: string, columns: readonly string[], rows: (write: CopyRowWriter) => void): void;
  /** Queues a statement, after this projector's rows queued so far. */
  query(text: string, values: unknown[]): void;
  /** Runs a read once everything queued before it (this projector's rows included) is written. */
  read<T>(run: (client: pg.ClientBase) => Promise<T>): Promise<T>;
}

/** SQLSTATE 25P02: the transaction failed earlier; the statement itself is not to blame. */
export function isAbortedTransaction(error: unknown): boolean {
  return (error as { code?: unknown }).code === '25P02';
}

/**
 * COPY text held per table before it is sent, and sent but not yet written
 * by the server, beyond which the projectors wait. Full-scale day 0: 2 and
 * 16 MB rather than 8 and 64 MB took ≈ 40 MB off the peak RSS, in ≈ 100
 * COPYs.
 */
const copyBatchBytes = 2 << 20;
const maxBacklog = 16 << 20;

interface CopyBuffer {
  owner: string;
  table: string;
  columns: readonly string[];
  text: Buffer[];
  bytes: number;
}

/** The writes of one snapshot's transaction, run one at a time on its connection, by projector. */
export class WriteBehind {
  readonly #client: pg.ClientBase;
  /** The last statement queued: the connection runs one at a time. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #buffers = new Map<string, CopyBuffer>();
  readonly #pending = new Set<Promise<void>>();
  readonly #failed = new Map<string, unknown>();
  /** Bytes of COPY text sent to the connection and not yet taken in by the server. */
  #backlog = 0;

  constructor(client: pg.ClientBase) {
    this.#client = client;
  }

  for(owner: string): Writes {
    return {
      copy: (table, columns, rows) => {
        const key = `${owner}\u0000${table}`;
        let buffer = this.#buffers.get(key);
        if (buffer === undefined) {
          buffer = { owner, table, columns, text: [], bytes: 0 };
          this.#buffers.set(key, buffer);
        }
        buffer.bytes += appendCopyRows(buffer.text, rows);
        if (buffer.bytes >= copyBatchBytes) this.#send(key, buffer);
      },
      query: (text, values) => {
        this.#flush(owner);
        this.#track(
          owner,
          this.#enqueue((client) => client.query(text, values)),
        );
      },
      read: (run) => {
        this.#flush(owner);
        return this.#enqueue(run);
      },
    };
  }

  /**
   * Sends what is held and waits for every queued write; returns the
   * projectors whose own writes failed, with their errors (a write refused
   * only because an earlier one had aborted the transaction is not its
   * projector's failure).
   */
  async settle(): Promise<Map<string, unknown>> {
    this.#flush();
    // Reads included: a rollback must not overtake a statement queued for the transaction (a read may drop indexes).
    for (let tail: Promise<unknown> | undefined; tail !== this.#tail; ) {
      tail = this.#tail;
      await tail;
    }
    while (this.#pending.size > 0) await Promise.allSettled(this.#pending);
    return this.#failed;
  }

  /**
   * Lets the connection's I/O run (the data of queued COPYs goes out only
   * while Node's event loop turns), and holds the caller while the server
   * is more than `maxBacklog` bytes behind, so memory stays bounded.
   */
  async throttle(): Promise<void> {
    await new Promise(setImmediate);
    while (this.#backlog > maxBacklog && this.#pending.size > 0) await Promise.race(this.#pending);
  }

  #flush(owner?: string): void {
    for (const [key, buffer] of this.#buffers)
      if (owner === undefined || buffer.owner === owner) this.#send(key, buffer);
  }

  #send(key: string, buffer: CopyBuffer): void {
    this.#buffers.delete(key);
    const size = buffer.bytes;
    this.#backlog += size;
    const copied = this.#enqueue((client) => submitCopy(client, buffer.table, buffer.columns, buffer.text));
    this.#track(buffer.owner, copied);
    void copied.then(
      () => {
        this.#backlog -= size;
      },
      () => {
        this.#backlog -= size;
      },
    );
  }

  #enqueue<T>(run: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => run(this.#client));
    this.#tail = result.catch(() => {});
    return result;
  }

  #track(owner: string, write: Promise<unknown>): void {
    const done = write.then(
      () => {},
      (error: unknown) => {
        if (!isAbortedTransaction(error) && !this.#failed.has(owner)) this.#failed.set(owner, error);
      },
    );
    this.#pending.add(done);
    void done.then(() => this.#pending.delete(done));
  }
}
