import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './copy-text.ts';

/**
 * Bulk-writes rows with COPY FROM STDIN (text format), the fastest way into
 * PostgreSQL (≈ 130k rows/s here vs ≈ 90k for unnest inserts, DESIGN.md).
 * `null` cells are written as SQL NULL.
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<ReadonlyArray<string | number | null>>,
): Promise<void> {
  const lines = function* () {
    let chunk = '';
    for (const row of rows) {
      chunk += `${row.map((cell) => (cell === null ? '\\N' : copyText(String(cell)))).join('\t')}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  };
  await pipeline(
    Readable.from(lines()),
    client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)),
  );
}
