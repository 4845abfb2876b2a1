import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import type { Database } from '../db/open-database.ts';
import { OpaisError } from '../errors.ts';
import { type IngestSummary, ingestSnapshot } from '../ingest/ingest-snapshot.ts';
import { jsonLog, type Log } from '../json-log.ts';
import { notifyIngestFailure } from '../notify/notify-ingest-failure.ts';
import { defaultS3Client } from '../source/s3-client.ts';
import { s3Source } from '../source/s3-source.ts';
import { formatS3Uri } from '../source/s3-uri.ts';
import { dateInKey } from '../source/snapshot-key-date.ts';
import { isSnapshotKey, readSnapshotKeyFilter } from '../source/snapshot-key-filter.ts';
import { forgetLambdaDatabase, isCredentialError, lambdaDatabase } from './lambda-database.ts';
import { type CreatedObject, parseTriggerEvent } from './parse-trigger-event.ts';

export interface HandlerResult {
  objects: ObjectOutcome[];
}

export type ObjectOutcome =
  | { uri: string; status: 'ignored'; reason: string }
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
 * ignored. Any failure is thrown after notifying the webhook, so that
 * Lambda retries the event and finally sends it to the dead-letter queue.
 *
 * Delivery is at least once: a duplicate or concurrent invocation for the
 * same object waits for the single-writer ingest lock, then finds the
 * file's SHA-256 already applied and appends nothing.
 *
 * As-of precedence: a date in the key (see snapshot-key-date.ts), else the
 * event's time, else the object's last-modified time.
 *
 * Settings come from the environment, as Lambda gives them; `log` is where
 * the JSON log lines go (stdout by default).
 */
export function createHandler(log: Log = jsonLog) {
  return async function handler(event: unknown, context: LambdaContext = {}): Promise<HandlerResult> {
    const logRequest: Log = (level, message, fields) =>
      log(level, message, { requestId: context.awsRequestId, ...fields });
    const objects = parseTriggerEvent(event);
    const filter = readSnapshotKeyFilter(process.env);
    const outcomes: ObjectOutcome[] = [];
    for (const object of objects) {
      const uri = formatS3Uri(object);
      if (!isSnapshotKey(object.key, filter)) {
        const reason = `not a snapshot key (prefix ${JSON.stringify(filter.prefix)}, suffixes ${filter.suffixes.join(' ')})`;
        logRequest('info', 'ignored object', { uri, reason });
        outcomes.push({ uri, status: 'ignored', reason });
        continue;
      }
      outcomes.push(await ingestObject(object, logRequest));
    }
    logRequest('info', 'done', { objects: outcomes });
    return { objects: outcomes };
  };
}

async function ingestObject(object: CreatedObject, log: Log): Promise<ObjectOutcome> {
  const uri = formatS3Uri(object);
  const keyDate = dateInKey(object.key);
  const asOf = keyDate ?? object.eventTime;
  const asOfFrom = keyDate ? 'key' : object.eventTime ? 'event' : 'object';
  log('info', 'ingest started', { uri, etag: object.etag, versionId: object.versionId, asOf, asOfFrom });
  let database: Database;
  let outcome: ObjectOutcome;
  try {
    database = await lambdaDatabase();
    const summary = await ingestSnapshot({
      store: database.store,
      source: s3Source({ ...object, client: defaultS3Client() }),
      asOf,
      maxRemovalRatio: ratioFromEnv(process.env, 'OPAIS_MAX_REMOVAL_RATIO'),
      maxChangeRatio: ratioFromEnv(process.env, 'OPAIS_MAX_CHANGE_RATIO'),
      wait: true,
    });
    outcome = outcomeOf(uri, asOfFrom, summary);
    log('info', summary.alreadyApplied ? 'already applied' : 'ingest applied', { ...outcome });
  } catch (error) {
    log('error', 'ingest failed', {
      uri,
      code: error instanceof OpaisError ? error.code : undefined,
      error: (error as Error).message,
    });
    if (isCredentialError(error)) await forgetLambdaDatabase();
    const undelivered = await notifyIngestFailure(error, uri, 'lambda');
    if (undelivered) log('warn', undelivered, { uri });
    throw error;
  }
  // Also after "already applied": an earlier invocation may have committed the events and died before projecting.
  // A projector that cannot apply an event stops there (opais status shows it); that is not the ingest's failure.
  // A catch-up that fails outright (database gone) is thrown: the retry finds the snapshot applied and projects it.
  const projected = await catchUpProjections(database).catch((error: Error) => {
    log('error', 'projection catch-up failed', { uri, error: error.message });
    throw error;
  });
  for (const failure of projected.failures) log('error', 'projector stopped', { uri, ...failure });
  log('info', 'projections caught up', { uri, snapshots: projected.snapshots });
  return outcome;
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
    durationMs: summary.durationMs,
    globalPosition: summary.globalPosition,
  };
}

/** The Lambda entry point (handler setting `index.handler` in the bundle). */
export const handler = createHandler();
