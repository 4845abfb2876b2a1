import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './copy-text.ts';

export type CopyCell = string | number | null;

/**
 * Bulk-writes rows with COPY FROM STDIN (text format), the fastest way into
 * PostgreSQL (≈ 130k rows/s here vs ≈ 90k for unnest inserts, measured).
 * `null` cells are written as SQL NULL.
 */
export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<ReadonlyArray<CopyCell>>,
  spares?: CopyBuffers,
): Promise<void> {
  const text: Buffer[] = [];
  appendCopyText(text, rows, spares);
  await submitCopy(client, table, columns, text);
  spares?.recycle(text);
}

/** Size of the buffers COPY text is written into. */
const pieceBytes = 1 << 18;
const scratch = Buffer.allocUnsafeSlow(pieceBytes);

/**
 * The buffers of COPYs the server has taken, written into again by the next
 * COPY on the same connection: an ingest's event batches go through the same
 * few. A buffer left to the collector is freed only when a full collection
 * finds it, and V8 waits for ≈ 64 MB of them before it runs one.
 */
export class CopyBuffers {
  readonly #spares: Buffer[] = [];

  take(): Buffer {
    return this.#spares.pop() ?? Buffer.allocUnsafeSlow(pieceBytes);
  }

  /** The text of a COPY the server has taken (see submitCopy): nothing refers to its buffers any more. */
  recycle(text: readonly Buffer[]): void {
    for (const piece of text) {
      // A piece larger than usual held one very large cell: not worth keeping.
      if (piece.buffer.byteLength === pieceBytes) this.#spares.push(Buffer.from(piece.buffer));
    }
  }
}

/**
 * Appends rows to COPY text held as UTF-8 buffers of ≈ 256 kB (`text` is
 * the caller's) and returns the bytes appended. Each cell is encoded
 * straight into the buffer, which keeps the text off V8's heap: built as
 * strings (a line per row, joined into pieces of 256 kB, then encoded), the
 * text of a full-scale day-0 ingest was ≈ 400 MB of strings that lived
 * until their piece was full, long enough to fill the old generation
 * (docs/performance.md).
 */
export function appendCopyText(
  text: Buffer[],
  rows: Iterable<ReadonlyArray<CopyCell>>,
  spares?: CopyBuffers,
): number {
  // Without spares, a piece is written in the scratch buffer and copied out at its size: a caller that appends
  // a few rows at a time (projections/write-behind.ts) must not hold 256 kB for each.
  const newPiece = (room: number) =>
    room > pieceBytes ? Buffer.allocUnsafeSlow(room) : spares ? spares.take() : scratch;
  let bytes = 0;
  let piece = newPiece(0);
  let at = 0;
  const done = () => {
    if (at === 0) return;
    text.push(piece === scratch ? Buffer.from(scratch.subarray(0, at)) : piece.subarray(0, at));
    bytes += at;
  };
  for (const row of rows) {
    for (let k = 0; k < row.length; k++) {
      const cell = row[k] as CopyCell;
      const value = cell === null ? '\\N' : copyText(String(cell));
      // A UTF-16 code unit is at most 3 bytes of UTF-8; one more for the tab or newline.
      const room = value.length * 3 + 1;
      if (at + room > piece.length) {
        done();
        piece = newPiece(room);
        at = 0;
      }
      at += piece.write(value, at, 'utf8');
      piece[at++] = k === row.length - 1 ? 0x0a : 0x09;
    }
  }
  done();
  return bytes;
}

/**
 * Queues a COPY of ready text on the connection and returns when the server
 * has taken it. The text is handed over at once (the stream holds it until
 * the server asks for it), so the caller may go on working meanwhile.
 */
export function submitCopy(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  text: readonly Buffer[],
): Promise<void> {
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (const chunk of text) stream.write(chunk);
  stream.end();
  return done;
}
