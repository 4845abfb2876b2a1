import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { type ProjectorStatus, projectionStatus } from '../../projections/projection-status.ts';
import type { Database } from '../db/open-database.ts';
import { OpaisError } from '../errors.ts';
import { ingestInOrder } from '../ingest/ingest-in-order.ts';
import type { IngestSummary } from '../ingest/ingest-snapshot.ts';
import { createLogger, type Logger } from '../log/create-logger.ts';
import { notifyIngestFailure } from '../notify/notify-ingest-failure.ts';
import { defaultS3Client } from '../source/s3-client.ts';
import { s3Source } from '../source/s3-source.ts';
import { formatS3Uri, parseS3Uri } from '../source/s3-uri.ts';
import { dateInKey } from '../source/snapshot-key-date.ts';
import { isSnapshotKey, readSnapshotKeyFilter } from '../source/snapshot-key-filter.ts';
import { orphanedArrivals } from '../store/postgres/export-inbox.ts';
import { embeddedMetrics } from './embedded-metrics.ts';
import { type IngestFigures, ingestMetrics } from './ingest-metrics.ts';
import { forgetLambdaDatabase, isCredentialError, lambdaDatabase } from './lambda-database.ts';
import { type CreatedObject, isRefused, parseTriggerEvent } from './parse-trigger-event.ts';

export interface HandlerResult {
  objects: ObjectOutcome[];
}

export type ObjectOutcome =
  | { uri: string; status: 'ignored'; reason: string }
  /** Older than the head when it came: not applied, recorded in the inbox (the ExportsOutOfOrder alarm counts it). */
  | { uri: string; status: 'out-of-order'; asOf: string; headAsOf: string }
  | { uri: string; status: 'failed'; code: string | undefined; error: string }
  | {
      uri: string;
      status: 'applied' | 'already-applied';
      asOf: string;
      /** Where the as-of came from: a date in the key, the event's time, or the object's last-modified time. */
      asOfFrom: 'key' | 'event' | 'object';
      sha256: string;
      registered: number;
      changed: number;
      removed: number;
      unchanged: number;
      skipped: number;
      dataQualityProblems: number;
      bytes: number;
      durationMs: number;
      globalPosition: number;
    };

interface LambdaContext {
  awsRequestId?: string;
}

/**
 * The Lambda behind the EventBridge rule (source aws.s3, detail-type Object
 * Created, the snapshot bucket) or a classic S3 notification. Each snapshot
 * object the event names is ingested in turn; other keys are logged and
 * ignored. A failure (naming the object's key) is reported to the webhook
 * and the next object goes on; once all were tried, the failure is thrown
 * so that Lambda retries the event and finally sends it to the dead-letter
 * queue.
 *
 * Delivery is at least once: a duplicate or concurrent invocation for the
 * same object waits for the single-writer ingest lock, then finds the
 * file's SHA-256 already applied and appends nothing.
 *
 * As-of precedence: a date in the key (see snapshot-key-date.ts), else the
 * event's time, else the object's last-modified time.
 *
 * Settings come from the environment, as Lambda gives them; `log` is where
 * the JSON log lines go (stdout by default). Each invocation also logs its
 * figures as CloudWatch metrics (Embedded Metric Format, see
 * ingest-metrics.ts), failed or not.
 */
export function createHandler(log: Logger = createLogger()) {
  return async function handler(event: unknown, context: LambdaContext = {}): Promise<HandlerResult> {
    const logRequest = log.child({ requestId: context.awsRequestId });
    const objects = parseTriggerEvent(event);
    const filter = readSnapshotKeyFilter(process.env);
    const outcomes: ObjectOutcome[] = [];
    const figures: IngestFigures = { applied: [], outOfOrder: 0, projectors: [] };
    const errors: unknown[] = [];
    try {
      for (const object of objects) {
        const uri = formatS3Uri(object);
        if (isRefused(object)) {
          const error = new OpaisError('INVALID_ARGUMENT', `${uri}: ${object.reason}`);
          await reportFailure(error, uri, logRequest);
          outcomes.push(failedOutcome(uri, error));
          errors.push(error);
          continue;
        }
        if (!isSnapshotKey(object.key, filter)) {
          const reason = `not a snapshot key (prefix ${JSON.stringify(filter.prefix)}, suffixes ${filter.suffixes.join(' ')})`;
          logRequest.info({ uri, reason }, 'ignored object');
          outcomes.push({ uri, status: 'ignored', reason });
          continue;
        }
        // One object's failure does not keep the others of the same event from being applied.
        try {
          const ingested = await ingestObject(object, logRequest);
          outcomes.push(ingested.outcome);
          if (ingested.projectors.length > 0) figures.projectors = ingested.projectors;
          if (ingested.outcome.status === 'applied') figures.applied.push(ingested.outcome);
          if (ingested.outcome.status === 'out-of-order') figures.outOfOrder += 1;
        } catch (error) {
          outcomes.push(failedOutcome(uri, error));
          errors.push(error);
        }
      }
    } finally {
      const refused = errors.find((error) => error instanceof OpaisError);
      figures.refusedCode = refused instanceof OpaisError ? refused.code : undefined;
      logRequest.info(embeddedMetrics(ingestMetrics(figures)), 'metrics');
    }
    logRequest.info({ objects: outcomes }, 'done');
    // Thrown after all were tried, so that Lambda retries the event (the applied ones are then already applied).
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw batchFailed(outcomes, errors);
    return { objects: outcomes };
  };
}

function failedOutcome(uri: string, error: unknown): ObjectOutcome {
  return {
    uri,
    status: 'failed',
    code: error instanceof OpaisError ? error.code : undefined,
    error: (error as Error).message,
  };
}

function batchFailed(outcomes: ObjectOutcome[], errors: unknown[]): OpaisError {
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  const first = errors[0];
  return new OpaisError(
    first instanceof OpaisError ? first.code : 'INTERNAL',
    `${failed.length} of ${outcomes.length} objects failed: ${failed.map((outcome) => outcome.error).join('; ')}`,
    { objects: failed },
  );
}

async function reportFailure(error: unknown, uri: string, log: Logger): Promise<void> {
  log.error(
    { uri, code: error instanceof OpaisError ? error.code : undefined, error: (error as Error).message },
    'ingest failed',
  );
  const undelivered = await notifyIngestFailure(error, uri, 'lambda');
  if (undelivered) log.warn({ uri }, undelivered);
}

async function ingestObject(
  object: CreatedObject,
  log: Logger,
): Promise<{ outcome: ObjectOutcome; projectors: ProjectorStatus[] }> {
  const uri = formatS3Uri(object);
  const keyDate = dateInKey(object.key);
  const asOf = keyDate ?? object.eventTime;
  const asOfFrom = keyDate ? 'key' : object.eventTime ? 'event' : 'object';
  log.info({ uri, etag: object.etag, versionId: object.versionId, asOf, asOfFrom }, 'ingest started');
  let database: Database;
  let outcome: ObjectOutcome;
  try {
    database = await lambdaDatabase();
    if (asOf) await applyOrphans(database, asOf, log);
    const summary = await ingestInOrder(
      database.pool,
      {
        store: database.store,
        source: s3Source({ ...object, client: defaultS3Client() }),
        asOf,
        maxRemovalRatio: ratioFromEnv(process.env, 'OPAIS_MAX_REMOVAL_RATIO'),
        maxChangeRatio: ratioFromEnv(process.env, 'OPAIS_MAX_CHANGE_RATIO'),
        wait: true,
      },
      { source: uri, sourceVersion: object.versionId ?? object.etag },
    );
    outcome = outcomeOf(uri, asOfFrom, summary);
    log.info({ ...outcome }, summary.alreadyApplied ? 'already applied' : 'ingest applied');
  } catch (error) {
    if (isCredentialError(error)) await forgetLambdaDatabase();
    await reportFailure(error, uri, log);
    // Retrying cannot help an export that came after a later one: it is recorded, alarmed on and answered as such.
    if (error instanceof OpaisError && error.code === 'AS_OF_NOT_LATER') {
      const late: ObjectOutcome = {
        uri,
        status: 'out-of-order',
        asOf: String(error.details?.asOf),
        headAsOf: String(error.details?.lastAsOf),
      };
      return { outcome: late, projectors: [] };
    }
    throw error;
  }
  // Also after "already applied": an earlier invocation may have committed the events and died before projecting.
  // A projector that cannot apply an event stops there (opais status shows it); that is not the ingest's failure.
  // A catch-up that fails outright (database gone) is thrown: the retry finds the snapshot applied and projects it.
  const projected = await catchUpProjections(database).catch((error: Error) => {
    log.error({ uri, error: error.message }, 'projection catch-up failed');
    throw error;
  });
  for (const failure of projected.failures) log.error({ uri, ...failure }, 'projector stopped');
  log.info({ uri, snapshots: projected.snapshots }, 'projections caught up');
  return { outcome, projectors: await projectionStatus(database) };
}

/**
 * Exports from S3 whose invocation died while they waited (pending in the
 * inbox, no live waiter) and that are older than this one: applied first, in
 * as-of order, so that this one does not overtake them for good.
 */
async function applyOrphans(database: Database, before: Date, log: Logger): Promise<void> {
  for (const orphan of await orphanedArrivals(database.pool, 's3://')) {
    if (orphan.asOf.getTime() >= before.getTime()) break;
    try {
      const summary = await ingestInOrder(
        database.pool,
        {
          store: database.store,
          source: s3Source({ ...parseS3Uri(orphan.source), client: defaultS3Client() }),
          asOf: orphan.asOf,
          maxRemovalRatio: ratioFromEnv(process.env, 'OPAIS_MAX_REMOVAL_RATIO'),
          maxChangeRatio: ratioFromEnv(process.env, 'OPAIS_MAX_CHANGE_RATIO'),
          wait: true,
        },
        orphan,
      );
      log.info(
        { uri: orphan.source, asOf: summary.asOf, alreadyApplied: summary.alreadyApplied },
        'orphaned export applied',
      );
    } catch (error) {
      // The inbox has its outcome; the object this invocation is for still goes on.
      log.error({ uri: orphan.source, error: (error as Error).message }, 'orphaned export failed');
    }
  }
}

function ratioFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  if (!env[name]) return undefined;
  const ratio = Number(env[name]);
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new OpaisError('INVALID_ARGUMENT', `${name} must be between 0 and 1, got ${env[name]}`);
  }
  return ratio;
}

function outcomeOf(uri: string, asOfFrom: 'key' | 'event' | 'object', summary: IngestSummary): ObjectOutcome {
  return {
    uri,
    status: summary.alreadyApplied ? 'already-applied' : 'applied',
    asOf: summary.asOf,
    asOfFrom,
    sha256: summary.sha256,
    registered: summary.registered,
    changed: summary.changed,
    removed: summary.removed,
    unchanged: summary.unchanged,
    skipped: summary.skipped,
    dataQualityProblems: summary.dataQualityProblemCount,
    bytes: summary.sourceInfo.kind === 's3' ? (summary.sourceInfo.sizeBytes ?? 0) : 0,
    durationMs: summary.durationMs,
    globalPosition: summary.globalPosition,
  };
}

/** The Lambda entry point (handler setting `index.handler` in the bundle). */
export const handler = createHandler();
