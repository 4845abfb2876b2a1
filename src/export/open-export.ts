import type { Readable } from 'node:stream';
import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import { dimTableRows } from './dim-table-export.ts';
import { type ExportFormat, exportFormats } from './export-format.ts';

export interface ExportRequest {
  /** A dim_* table. */
  what: string;
  format: ExportFormat;
  /** An instant as text PostgreSQL reads as a timestamptz. */
  asOf?: string;
  history?: boolean;
  where?: readonly string[];
  /** How the request named its parts, for messages: `--as-of` or `querystring/asOf`. */
  places: { asOf: string; history: string; where: string };
}

export interface OpenedExport {
  body: Readable;
  contentType: string;
  /** A file name for the download: `dim_ce-2026-03-01T050000Z.csv`. */
  fileName: string;
}

/** One export, ready to stream: the request is checked (name, filter) before any byte is written. */
export async function openExport(pool: pg.Pool, request: ExportRequest): Promise<OpenedExport> {
  if (request.history && request.asOf !== undefined) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `${request.places.history} and ${request.places.asOf} exclude each other: every version, or those in force at one instant`,
    );
  }
  const format = exportFormats[request.format];
  const rows = await dimTableRows(pool, {
    table: request.what,
    asOf: request.asOf,
    history: request.history,
    where: request.where,
    wherePlace: request.places.where,
  });
  const qualifier = request.history
    ? 'history'
    : request.asOf === undefined
      ? 'current'
      : compactInstant(request.asOf);
  return {
    body: format.write(rows),
    contentType: format.contentType,
    fileName: `${request.what}-${qualifier}.${format.extension}`,
  };
}

function compactInstant(instant: string): string {
  return instant.replace(/\.\d+/, '').replace(/[-:]/g, '');
}
