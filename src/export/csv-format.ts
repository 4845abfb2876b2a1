import { Readable } from 'node:stream';
import { type ExportCell, type ExportColumn, type ExportRows, isoInstant } from './export-table.ts';

/**
 * RFC 4180 CSV: a header row, CRLF line ends, a field quoted (quotes
 * doubled) when it holds a comma, a quote or a line break; NULL is an empty
 * field. UTF-8 without a byte-order mark, timestamps as ISO 8601 UTC.
 * A dozen lines of rules, so no library: the rows are joined into one
 * string per batch of the cursor.
 */
export function csvStream({ columns, rows }: ExportRows): Readable {
  return Readable.from(
    (async function* () {
      yield line(columns.map((column) => column.name));
      let chunk = '';
      for await (const row of rows) {
        chunk += line(cellsOf(columns, row));
        if (chunk.length >= 1 << 16) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    })(),
    { objectMode: false },
  );
}

function cellsOf(columns: readonly ExportColumn[], row: readonly ExportCell[]): string[] {
  return columns.map((column, index) => {
    const cell = row[index] ?? null;
    if (cell === null) return '';
    return column.kind === 'timestamp' ? isoInstant(cell) : cell;
  });
}

function line(fields: readonly string[]): string {
  return `${fields.map(field).join(',')}\r\n`;
}

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
