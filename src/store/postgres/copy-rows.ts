import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './copy-text.ts';

export type CopyCell = string | number | null;

/**
 * Bulk-writes rows with COPY FROM STDIN (text format), the fastest way into
 * PostgreSQL (≈ 130k rows/s here vs ≈ 90k for unnest inserts, measured).
 * `null` cells are written as SQL NULL.
 */
export function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<ReadonlyArray<CopyCell>>,
): Promise<void> {
  const text: Buffer[] = [];
  appendCopyText(text, rows);
  return submitCopy(client, table, columns, text);
}

/**
 * Appends rows to COPY text held as UTF-8 buffers of ≈ 256 kB (`text` is
 * the caller's) and returns the bytes appended. Each piece is encoded at
 * once, which keeps the text off V8's heap: held as strings (ropes of one
 * string per line) until sent, the text of a full-scale day-0 projection
 * was copied by every scavenge it lived through.
 */
export function appendCopyText(text: Buffer[], rows: Iterable<ReadonlyArray<CopyCell>>): number {
  let bytes = 0;
  const push = (piece: string) => {
    const encoded = Buffer.from(piece);
    text.push(encoded);
    bytes += encoded.length;
  };
  let chunk = '';
  for (const row of rows) {
    chunk += `${row.map((cell) => (cell === null ? '\\N' : copyText(String(cell)))).join('\t')}\n`;
    if (chunk.length > 1 << 18) {
      push(chunk);
      chunk = '';
    }
  }
  if (chunk) push(chunk);
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
