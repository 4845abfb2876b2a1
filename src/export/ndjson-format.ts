import { Readable } from 'node:stream';
import { type ExportRows, isoInstant } from './export-table.ts';

/** One JSON object a line: integers as numbers, timestamps as ISO 8601 UTC strings, JSON columns as values. */
export function ndjsonStream({ columns, rows }: ExportRows): Readable {
  const names = columns.map((column) => JSON.stringify(column.name));
  return Readable.from(
    (async function* () {
      let chunk = '';
      for await (const row of rows) {
        const members = columns.map((column, index) => {
          const cell = row[index] ?? null;
          if (cell === null) return `${names[index]}:null`;
          if (column.kind === 'integer' || column.kind === 'json') return `${names[index]}:${cell}`;
          return `${names[index]}:${JSON.stringify(column.kind === 'timestamp' ? isoInstant(cell) : cell)}`;
        });
        chunk += `{${members.join(',')}}\n`;
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
