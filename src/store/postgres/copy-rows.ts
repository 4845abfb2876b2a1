import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './copy-text.ts';

export type CopyCell = string | number | null;
/**
 * A cell of a row that copyRows writes: a CopyCell, or text as UTF-8 bytes
 * (an event's data), escaped as it is written and never decoded.
 */
export type CopyRowCell = CopyCell | Uint8Array;
/**
 * Writes one row of COPY text: the cells of `cells`, then those of `more` (so a caller adding columns need not
 * copy a row). The cells are encoded before it returns and neither array is kept: a caller may fill one array
 * again for the next row.
 */
export type CopyRowWriter = (cells: ReadonlyArray<CopyRowCell>, more?: ReadonlyArray<CopyRowCell>) => void;

const maxRowsPerCopy = 8192;

/**
 * Bulk-writes rows with COPY FROM STDIN (text format), the fastest way into
 * PostgreSQL (≈ 130k rows/s here vs ≈ 90k for unnest inserts, measured).
 * `null` cells are written as SQL NULL. Rows are taken from `rows` as they
 * are written, `maxRowsPerCopy` to a COPY, so that what a write holds does
 * not grow with its rows (a full-scale day 0's registry: 90,000 rows,
 * ≈ 18 MB of text).
 */
export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<ReadonlyArray<CopyRowCell>>,
  spares?: CopyBuffers,
): Promise<void> {
  for (const slice of slices(rows, maxRowsPerCopy)) {
    const text: Buffer[] = [];
    appendCopyRows(text, eachRow(slice), spares);
    await submitCopy(client, table, columns, text);
    spares?.recycle(text);
  }
}

/** What writes `rows` as they are (appendCopyRows's argument for rows that need no `more` cells). */
export function eachRow(rows: Iterable<ReadonlyArray<CopyRowCell>>): (write: CopyRowWriter) => void {
  return (write) => {
    for (const row of rows) write(row);
  };
}

function* slices<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let slice: T[] = [];
  for (const item of items) {
    slice.push(item);
    if (slice.length === size) {
      yield slice;
      slice = [];
    }
  }
  if (slice.length > 0) yield slice;
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

const noCells: CopyRowCell[] = [];

/**
 * Appends the rows that `rows` writes, as COPY text, to text held as UTF-8
 * buffers of 256 kB (`text` is the caller's), and returns the bytes
 * appended. Each cell is encoded straight into the buffer, so the text
 * never exists as strings on V8's heap: joined into a string per line
 * first, the lines of a full-scale day-0 projection were ≈ 450 MB of
 * garbage, and writing the cells directly takes about half the time
 * (452k dim_ce_contract_pharmacy rows: 0.8–1.6 s against 2.1–2.3 s,
 * docs/performance.md, session 11). A cell of bytes is escaped straight
 * into the buffers, across as many as it takes: an entity of megabytes
 * goes through the same spare buffers as the rest.
 */
export function appendCopyRows(
  text: Buffer[],
  rows: (write: CopyRowWriter) => void,
  spares?: CopyBuffers,
): number {
  // Without spares, a piece is written in the scratch buffer and copied out at its size: a caller that appends
  // a few rows at a time (projections/write-behind.ts) must not hold 256 kB for each.
  let bytes = 0;
  let piece = spares ? spares.take() : scratch;
  let at = 0;
  const done = () => {
    if (at === 0) return;
    text.push(piece === scratch ? Buffer.from(scratch.subarray(0, at)) : piece.subarray(0, at));
    bytes += at;
  };
  // A cell larger than a piece gets a buffer of its exact UTF-8 size, not of 3 bytes a character.
  const next = (exactBytes = 0) => {
    done();
    piece = exactBytes > pieceBytes ? Buffer.allocUnsafeSlow(exactBytes) : spares ? spares.take() : scratch;
    at = 0;
  };
  const writeByte = (byte: number) => {
    if (at === piece.length) next();
    piece[at++] = byte;
  };
  const writeString = (value: string) => {
    if (value.length <= shortString) {
      if (at + value.length > piece.length) next();
      const copied = writePlainAscii(piece, value, at);
      if (copied >= 0) {
        at += copied;
        return;
      }
    }
    const escaped = copyText(value);
    const room = roomFor(escaped);
    if (at + room > piece.length) next(room > pieceBytes ? Buffer.byteLength(escaped) : 0);
    at += piece.write(escaped, at);
  };
  // Runs without special bytes are copied as they are, each special byte written as its escape.
  const writeEscaped = (bytes: Uint8Array) => {
    const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const onlyBackslashes = source.indexOf(0x09) < 0 && source.indexOf(0x0a) < 0 && source.indexOf(0x0d) < 0;
    let from = 0;
    while (from < source.length) {
      const special = onlyBackslashes ? source.indexOf(0x5c, from) : nextSpecial(source, from);
      const runEnd = special < 0 ? source.length : special;
      while (from < runEnd) {
        if (at === piece.length) next();
        const copied = source.copy(piece, at, from, Math.min(runEnd, from + piece.length - at));
        at += copied;
        from += copied;
      }
      if (special < 0) return;
      writeByte(0x5c);
      writeByte(escapedByte(source[special] as number));
      from = special + 1;
    }
  };
  const writeCell = (cell: CopyRowCell) => {
    if (cell === null) {
      writeByte(0x5c);
      writeByte(0x4e); // \N
    } else if (typeof cell === 'string') writeString(cell);
    else if (typeof cell === 'number') writeString(String(cell));
    else writeEscaped(cell);
  };
  rows((cells, more = noCells) => {
    for (let k = 0; k < cells.length; k++) {
      if (k > 0) writeByte(0x09);
      writeCell(cells[k] as CopyRowCell);
    }
    for (let k = 0; k < more.length; k++) {
      if (k > 0 || cells.length > 0) writeByte(0x09);
      writeCell(more[k] as CopyRowCell);
    }
    writeByte(0x0a);
  });
  done();
  return bytes;
}

/** The next byte from `from` that COPY text escapes (backslash, tab, newline, carriage return), or -1. */
function nextSpecial(source: Buffer, from: number): number {
  for (let k = from; k < source.length; k++) {
    const byte = source[k];
    if (byte === 0x5c || byte === 0x09 || byte === 0x0a || byte === 0x0d) return k;
  }
  return -1;
}

/** What follows the backslash in COPY text for a byte it escapes (as copyText does for a string). */
function escapedByte(byte: number): number {
  switch (byte) {
    case 0x09:
      return 0x74; // t
    case 0x0a:
      return 0x6e; // n
    case 0x0d:
      return 0x72; // r
    default:
      return 0x5c;
  }
}

/**
 * Most cells are short (ids, flags, timestamps, codes, names). Copied byte by
 * byte when they are printable ASCII, they cost less than a call into
 * Buffer#write (the cells of 452k dim_ce_contract_pharmacy rows in 0.42 s
 * against 0.55–0.70 s), and the same loop tells that they need no escape:
 * a regular expression's test of every cell cost ≈ 0.7 s of a full-scale
 * day-0 projection (14 million cells; docs/performance.md, session 12).
 */
const shortString = 32;

/**
 * Writes a short string at `at` when every character is printable ASCII
 * other than the backslash (nothing for COPY text to escape, one byte
 * each) and returns its length; otherwise returns -1, the bytes written so
 * far to be written over.
 */
function writePlainAscii(piece: Buffer, value: string, at: number): number {
  for (let k = 0; k < value.length; k++) {
    const code = value.charCodeAt(k);
    if (code < 0x20 || code >= 0x7f || code === 0x5c) return -1;
    piece[at + k] = code;
  }
  return value.length;
}

/** Bytes that certainly hold a string's UTF-8: a UTF-16 code unit is at most 3 of them. */
function roomFor(value: string): number {
  return value.length * 3;
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
