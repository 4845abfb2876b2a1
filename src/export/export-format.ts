import type { Readable } from 'node:stream';
import { OpaisError } from '../errors.ts';
import { csvStream } from './csv-format.ts';
import type { ExportRows } from './export-table.ts';
import { ndjsonStream } from './ndjson-format.ts';
import { parquetStream } from './parquet-format.ts';

export const exportFormats = {
  csv: { contentType: 'text/csv; charset=utf-8; header=present', extension: 'csv', write: csvStream },
  parquet: { contentType: 'application/vnd.apache.parquet', extension: 'parquet', write: parquetStream },
  ndjson: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'ndjson', write: ndjsonStream },
} as const satisfies Record<
  string,
  { contentType: string; extension: string; write: (rows: ExportRows) => Readable }
>;

export type ExportFormat = keyof typeof exportFormats;

export function parseExportFormat(value: string, place: string): ExportFormat {
  if (Object.hasOwn(exportFormats, value)) return value as ExportFormat;
  throw new OpaisError(
    'INVALID_ARGUMENT',
    `${place}: ${JSON.stringify(value)} is not an export format (${Object.keys(exportFormats).join(', ')})`,
    { place },
  );
}
