import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './copy-text.ts';

export type CopyCell = string | number | null;
/**
 * A cell of a row that copyRows writes: a CopyCell, or text as UTF-8 bytes
 * (an event's data), escaped as it is written and never decoded.
 */
export type CopyRowCell = CopyCell | Uint8Array;
/** What appendCopyText writes: COPY text as copyLine makes it, or one cell's UTF-8 bytes, escaped as they are written. */
export type CopyText = string | Uint8Array;

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
    appendCopyText(text, copyTextOf(slice), spares);
    await submitCopy(client, table, columns, text);
    spares?.recycle(text);
  }
}

/** Each row as copyLine's line, or, around a cell of bytes, as the text before it, the bytes, and the text after. */
export function* copyTextOf(rows: Iterable<ReadonlyArray<CopyRowCell>>): Generator<CopyText> {
  for (const row of rows) {
    if (!row.some((cell) => cell instanceof Uint8Array)) {
      yield copyLine(row as ReadonlyArray<CopyCell>);
      continue;
    }
    let text = '';
    for (let k = 0; k < row.length; k++) {
      const cell = row[k] as CopyRowCell;
      const separator = k === 0 ? '' : '\t';
      if (cell instanceof Uint8Array) {
        if (text !== '' || separator !== '') yield text + separator;
        yield cell;
        text = '';
      } else text += separator + copyCell(cell);
    }
    yield `${text}\n`;
  }
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

/**
 * One row as a line of COPY text, `more` cells after `cells` (so a caller
 * adding columns to a row need not copy it). The escaped cells go in one
 * array kept for every line and joined (a flat string): 452k
 * dim_ce_contract_pharmacy rows made a quarter fewer scavenges than with a
 * new array per row, and half of those of concatenating cells (a rope of
 * two strings per cell).
 */
export function copyLine(cells: ReadonlyArray<CopyCell>, more: ReadonlyArray<CopyCell> = noCells): string {
  let length = 0;
  for (const cell of cells) lineCells[length++] = copyCell(cell);
  for (const cell of more) lineCells[length++] = copyCell(cell);
  // The newline joined in with the last cell: appended to the joined line, it made a rope that every
  // write into a buffer flattened again, a second copy of each line.
  if (length === 0) return '\n';
  lineCells[length - 1] += '\n';
  lineCells.length = length;
  return lineCells.join('\t');
}

const noCells: CopyCell[] = [];
const lineCells: string[] = [];

function copyCell(cell: CopyCell): string {
  return cell === null ? '\\N' : copyText(typeof cell === 'string' ? cell : String(cell));
}

/**
 * Appends COPY text (copyLine's lines, or parts of lines with cells of
 * bytes between them) to text held as UTF-8 buffers of 256 kB (`text` is the
 * caller's) and returns the bytes appended. Each line is encoded into the
 * buffer at once, which keeps the text off V8's heap: built as strings
 * joined into pieces, then encoded, the text of a full-scale day-0 ingest
 * was ≈ 400 MB of strings that lived until their piece was full, long
 * enough to fill the old generation; the projections' were copied by every
 * scavenge they lived through (docs/performance.md). A cell of bytes is
 * escaped straight into the buffers, across as many as it takes: an entity
 * of megabytes goes through the same spare buffers as the rest.
 */
export function appendCopyText(text: Buffer[], parts: Iterable<CopyText>, spares?: CopyBuffers): number {
  // Without spares, a piece is written in the scratch buffer and copied out at its size: a caller that appends
  // a few rows at a time (projections/write-behind.ts) must not hold 256 kB for each.
  // A line larger than a piece gets a buffer of its exact size, not of 3 bytes a character.
  const newPiece = (line: string) =>
    roomFor(line) > pieceBytes
      ? Buffer.allocUnsafeSlow(Buffer.byteLength(line))
      : spares
        ? spares.take()
        : scratch;
  let bytes = 0;
  let piece = newPiece('');
  let at = 0;
  const done = () => {
    if (at === 0) return;
    text.push(piece === scratch ? Buffer.from(scratch.subarray(0, at)) : piece.subarray(0, at));
    bytes += at;
  };
  const next = (line: string) => {
    done();
    piece = newPiece(line);
    at = 0;
  };
  // Runs without special bytes are copied as they are, each special byte written as its escape.
  const appendEscaped = (bytes: Uint8Array) => {
    const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const onlyBackslashes = source.indexOf(0x09) < 0 && source.indexOf(0x0a) < 0 && source.indexOf(0x0d) < 0;
    let from = 0;
    while (from < source.length) {
      const special = onlyBackslashes ? source.indexOf(0x5c, from) : nextSpecial(source, from);
      const runEnd = special < 0 ? source.length : special;
      while (from < runEnd) {
        if (at === piece.length) next('');
        const copied = source.copy(piece, at, from, Math.min(runEnd, from + piece.length - at));
        at += copied;
        from += copied;
      }
      if (special < 0) return;
      if (at + 2 > piece.length) next('');
      piece[at++] = 0x5c;
      piece[at++] = escapedByte(source[special] as number);
      from = special + 1;
    }
  };
  for (const part of parts) {
    if (typeof part !== 'string') appendEscaped(part);
    else {
      if (at + roomFor(part) > piece.length) next(part);
      at += piece.write(part, at, 'utf8');
    }
  }
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

/** Bytes that certainly hold a line's UTF-8: a UTF-16 code unit is at most 3 of them. */
function roomFor(line: string): number {
  return line.length * 3;
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
