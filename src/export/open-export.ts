import type { Readable } from 'node:stream';
import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import { datedSnapshotName } from '../source/snapshot-key-date.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import { type ChangeRange, changeRows } from './change-rows.ts';
import { dimTableRows } from './dim-table-export.ts';
import { type ExportFormat, exportFormats } from './export-format.ts';
import { reconstructSnapshot } from './reconstruct-snapshot.ts';

export interface ExportRequest {
  /** A dim_* table, `changes` or `snapshot`. */
  what: string;
  /** Default csv. */
  format?: ExportFormat;
  /** An instant as text PostgreSQL reads as a timestamptz. */
  asOf?: string;
  history?: boolean;
  where?: readonly string[];
  /** For `changes`: which part of the feed. */
  range?: ChangeRange;
  /** How the request named its parts, for messages: `--as-of` or `querystring/asOf`. */
  places: { asOf: string; history: string; where: string; range: string };
}

/** Where exports read: the projected tables (SQL) and the events (through the event store only). */
export interface ExportSources {
  pool: pg.Pool;
  store: EventStoreReader;
}

export interface OpenedExport {
  body: Readable;
  contentType: string;
  /** A file name for the download: `dim_ce-2026-03-01T050000Z.csv`. */
  fileName: string;
}

/** One export, ready to stream: the request is checked (name, filter, range) before any byte is written. */
export async function openExport(sources: ExportSources, request: ExportRequest): Promise<OpenedExport> {
  if (request.what === 'snapshot') return openSnapshotExport(sources, request);
  const format = exportFormats[request.format ?? 'csv'];
  if (request.what === 'changes') {
    if (request.history || request.asOf !== undefined) {
      throw new OpaisError(
        'INVALID_ARGUMENT',
        `the changes export takes a range (${request.places.range}), not ${request.history ? request.places.history : request.places.asOf}`,
      );
    }
    const rows = await changeRows(
      sources.store,
      request.range ?? {},
      request.where ?? [],
      request.places.where,
    );
    return {
      body: format.write(rows),
      contentType: format.contentType,
      fileName: `changes.${format.extension}`,
    };
  }
  if (request.range && Object.values(request.range).some((bound) => bound !== undefined)) {
    throw new OpaisError('INVALID_ARGUMENT', `${request.places.range} applies to the changes export only`);
  }
  if (request.history && request.asOf !== undefined) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `${request.places.history} and ${request.places.asOf} exclude each other: every version, or those in force at one instant`,
    );
  }
  const rows = await dimTableRows(sources.pool, {
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

/** `snapshot`: the export as it stood at `asOf` (default: the latest), in the OPAIS JSON shape, named so that `opais ingest` reads its as-of. */
async function openSnapshotExport(sources: ExportSources, request: ExportRequest): Promise<OpenedExport> {
  const ranged = request.range && Object.values(request.range).some((bound) => bound !== undefined);
  const other = request.format
    ? 'a format'
    : request.history
      ? request.places.history
      : request.where?.length
        ? request.places.where
        : ranged
          ? request.places.range
          : undefined;
  if (other) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `the snapshot export is the OPAIS JSON of one instant (${request.places.asOf}); ${other} does not apply`,
    );
  }
  const { asOf, body } = await reconstructSnapshot(sources.store, request.asOf, request.places.asOf);
  return { body, contentType: 'application/json; charset=utf-8', fileName: datedSnapshotName(asOf, '.JSON') };
}

function compactInstant(instant: string): string {
  return instant.replace(/\.\d+/, '').replace(/[-:]/g, '');
}
