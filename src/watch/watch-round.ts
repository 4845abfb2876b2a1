import type { S3Client } from '@aws-sdk/client-s3';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import type { Database } from '../db/open-database.ts';
import { type ErrorCode, OpaisError } from '../errors.ts';
import { ingestInOrder } from '../ingest/ingest-in-order.ts';
import type { Logger } from '../log/create-logger.ts';
import { notifyIngestFailure } from '../notify/notify-ingest-failure.ts';
import { s3Source } from '../source/s3-source.ts';
import { formatS3Uri } from '../source/s3-uri.ts';
import type { SnapshotKeyFilter } from '../source/snapshot-key-filter.ts';
import { listSnapshotObjects } from './list-snapshot-objects.ts';
import { planRound } from './plan-round.ts';
import { loadOutcomes, recordOutcome } from './watched-objects.ts';

export interface WatchRoundOptions {
  /** Its pool keeps the watcher's outcomes and the projections; its store takes the snapshots. */
  database: Pick<Database, 'pool' | 'store'>;
  client: S3Client;
  bucket: string;
  prefix: string;
  filter: SnapshotKeyFilter;
  log: Logger;
  maxRemovalRatio?: number;
  maxChangeRatio?: number;
  env?: NodeJS.ProcessEnv;
  /** Ends the round before the next object (the one being ingested finishes). */
  signal?: AbortSignal;
}

export interface RoundResult {
  listed: number;
  applied: number;
  alreadyApplied: number;
  refused: number;
  /** Set when a transient failure ended the round early; the object is retried next round. */
  failed: string | undefined;
  /** Snapshots the projections caught up on at the end of the round. */
  projectedSnapshots: number;
}

/** Errors that the same object will meet again: recorded as refused and not retried. */
const permanent = new Set<ErrorCode>([
  'SNAPSHOT_MALFORMED',
  'AS_OF_NOT_LATER',
  'AS_OF_MISSING',
  'MASS_REMOVAL',
  'MASS_CHANGE',
  'SOURCE_NOT_FOUND',
  'SOURCE_UNSUPPORTED',
]);

/**
 * One pass over the prefix: every snapshot object not settled yet is
 * ingested, oldest as-of first, and its outcome recorded. A refused object
 * (malformed, mass removal or change, ...) is skipped for good and the round goes
 * on; a transient failure (database or network) ends the round, so a later
 * object is never applied before an earlier one that only failed by chance.
 * The projections are then caught up.
 */
export async function watchRound(options: WatchRoundOptions): Promise<RoundResult> {
  const { bucket, prefix, log } = options;
  const { pool, store } = options.database;
  const listed = await listSnapshotObjects(options.client, bucket, prefix, options.filter);
  const plan = planRound(listed, await loadOutcomes(pool, bucket, prefix));
  const result: RoundResult = {
    listed: listed.length,
    applied: 0,
    alreadyApplied: 0,
    refused: 0,
    failed: undefined,
    projectedSnapshots: 0,
  };
  for (const object of plan) {
    if (options.signal?.aborted) break;
    const uri = formatS3Uri(object);
    log.info({ uri, etag: object.etag, asOf: object.asOf, asOfFrom: object.asOfFrom }, 'ingest started');
    try {
      const summary = await ingestInOrder(
        pool,
        {
          store,
          source: s3Source({ bucket, key: object.key, etag: object.etag, client: options.client }),
          asOf: object.asOf,
          maxRemovalRatio: options.maxRemovalRatio,
          maxChangeRatio: options.maxChangeRatio,
          wait: true,
        },
        { source: uri, sourceVersion: object.etag },
      );
      const outcome = summary.alreadyApplied ? 'already-applied' : 'applied';
      await recordOutcome(pool, {
        ...object,
        outcome,
        sha256: summary.sha256,
        globalPosition: summary.globalPosition,
      });
      if (summary.alreadyApplied) result.alreadyApplied += 1;
      else result.applied += 1;
      log.info(
        {
          uri,
          asOf: summary.asOf,
          registered: summary.registered,
          changed: summary.changed,
          removed: summary.removed,
          unchanged: summary.unchanged,
          skipped: summary.skipped,
          durationMs: summary.durationMs,
        },
        outcome === 'applied' ? 'ingest applied' : 'already applied',
      );
    } catch (error) {
      const code = error instanceof OpaisError ? error.code : undefined;
      const isPermanent = code !== undefined && permanent.has(code);
      log.error(
        { uri, code, error: (error as Error).message },
        isPermanent ? 'ingest refused' : 'ingest failed',
      );
      const undelivered = await notifyIngestFailure(error, uri, 'watch', options.env);
      if (undelivered) log.warn({ uri }, undelivered);
      await recordOutcome(pool, {
        ...object,
        outcome: isPermanent ? 'refused' : 'failed',
        errorCode: code ?? 'INTERNAL',
        errorMessage: (error as Error).message,
      });
      if (!isPermanent) {
        result.failed = uri;
        break;
      }
      result.refused += 1;
    }
  }
  // Every round, not only after an ingest: an earlier round may have died between an ingest and its projection.
  const projected = await catchUpProjections(options.database);
  for (const failure of projected.failures) log.error({ ...failure }, 'projector stopped');
  result.projectedSnapshots = projected.snapshots;
  return result;
}
