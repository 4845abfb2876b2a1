import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import { isS3Uri } from '../source/s3-uri.ts';
import type { SnapshotSource } from '../source/snapshot-source.ts';
import type { EventStore } from '../store/event-store.ts';
import { ingestInOrder } from './ingest-in-order.ts';
import type { IngestProgress, IngestSummary } from './ingest-snapshot.ts';
import type { BackfillFile } from './list-backfill-files.ts';

export type BackfillOutcome = 'applied' | 'alreadyApplied' | 'olderThanHead';

export interface BackfillFileResult {
  file: BackfillFile;
  outcome: BackfillOutcome;
  /** The ingest's summary; for a file skipped before reading it in full, only its SHA-256. */
  summary: IngestSummary | { sha256: string };
}

export interface BackfillProgress {
  filesDone: number;
  files: number;
  /** Bytes of the files done plus those read of the current one. */
  bytes: number;
  totalBytes: number;
  entities: number;
  current: string;
}

export interface BackfillOptions {
  /** The database of the export inbox (ddl/0008_export_inbox.sql), where each file is recorded as any ingest's. */
  pool: pg.Pool;
  store: EventStore;
  files: readonly BackfillFile[];
  maxRemovalRatio?: number;
  allowMassRemoval?: boolean;
  maxChangeRatio?: number;
  allowMassChange?: boolean;
  wait?: boolean;
  onFile?: (result: BackfillFileResult) => void;
  onProgress?: (progress: BackfillProgress) => void;
  /** Called after every `projectEvery` applied files (and not at the end: the caller catches up then). */
  projectEvery?: number;
  project?: () => Promise<void>;
}

/**
 * Ingests exports one after the other, oldest as-of first. A file at or
 * before the log's head is only hashed: applied already (same SHA-256) or
 * older than the head, it is reported and skipped, so the log stays
 * append-only and a backfill run again after a crash goes on where the
 * committed files end. The first file that cannot be applied stops the run,
 * the files before it staying applied.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillFileResult[]> {
  const snapshots = await options.store.listSnapshots();
  const applied = new Set(snapshots.map((snapshot) => snapshot.sha256));
  let head = snapshots.at(-1)?.asOf.getTime() ?? Number.NEGATIVE_INFINITY;
  const results: BackfillFileResult[] = [];
  const progress: BackfillProgress = {
    filesDone: 0,
    files: options.files.length,
    bytes: 0,
    totalBytes: options.files.reduce((sum, file) => sum + file.bytes, 0),
    entities: 0,
    current: '',
  };
  let sinceProjection = 0;
  for (const [index, file] of options.files.entries()) {
    progress.current = file.name;
    const bytesBefore = progress.bytes;
    const entitiesBefore = progress.entities;
    let result: BackfillFileResult;
    try {
      if (file.asOf.getTime() <= head) {
        const sha256 = await hashSource(file.source);
        result = {
          file,
          outcome: applied.has(sha256) ? 'alreadyApplied' : 'olderThanHead',
          summary: { sha256 },
        };
      } else {
        const summary = await ingestInOrder(
          options.pool,
          {
            store: options.store,
            source: file.source,
            asOf: file.asOf,
            maxRemovalRatio: options.maxRemovalRatio,
            allowMassRemoval: options.allowMassRemoval,
            maxChangeRatio: options.maxChangeRatio,
            allowMassChange: options.allowMassChange,
            wait: options.wait,
            onProgress: (ingest: IngestProgress) => {
              progress.bytes = bytesBefore + ingest.bytes;
              progress.entities = entitiesBefore + ingest.entities;
              options.onProgress?.(progress);
            },
          },
          { source: isS3Uri(file.name) ? file.name : resolve(file.name) },
        );
        result = { file, outcome: summary.alreadyApplied ? 'alreadyApplied' : 'applied', summary };
        if (!summary.alreadyApplied) {
          head = file.asOf.getTime();
          applied.add(summary.sha256);
        }
      }
    } catch (error) {
      const before = results.filter((done) => done.outcome === 'applied').length;
      const stopped = `backfill stopped at ${file.name} (file ${index + 1} of ${options.files.length}); the ${before} file(s) applied before it stay applied`;
      if (error instanceof OpaisError) {
        throw new OpaisError(
          error.code,
          `${error.message}; ${stopped}`,
          { ...error.details, file: file.name },
          { cause: error },
        );
      }
      throw new Error(`${file.name}: ${(error as Error).message}; ${stopped}`, { cause: error });
    }
    results.push(result);
    progress.filesDone = index + 1;
    progress.bytes = bytesBefore + file.bytes;
    options.onProgress?.(progress);
    options.onFile?.(result);
    if (result.outcome === 'applied' && options.projectEvery && options.project) {
      sinceProjection += 1;
      if (sinceProjection >= options.projectEvery) {
        await options.project();
        sinceProjection = 0;
      }
    }
  }
  return results;
}

/** The SHA-256 a source's ingest would record, by reading it through once. */
async function hashSource(source: SnapshotSource): Promise<string> {
  const opened = await source.open();
  opened.json.resume();
  await finished(opened.json);
  return opened.sha256();
}
