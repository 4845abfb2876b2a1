import { OpaisError } from '../errors.ts';
import { fetchSnapshot } from '../fetch/fetch-snapshot.ts';
import { parseFetchTarget } from '../fetch/store-snapshot-file.ts';
import { createLogger, type Logger } from '../log/create-logger.ts';
import { defaultS3Client } from '../source/s3-client.ts';
import { embeddedMetrics } from './embedded-metrics.ts';
import { lambdaDatabase } from './lambda-database.ts';

interface LambdaContext {
  awsRequestId?: string;
}

/**
 * The daily download, invoked by an EventBridge Scheduler schedule: the code
 * of `opais fetch` (conditional GET, a full read of the download before
 * anything is stored, a dated key under OPAIS_FETCH_TO), from the URL in
 * OPAIS_FETCH_URL. The stored object then triggers the ingest like any
 * other put. Any failure (the URL gone, an answer that is not a readable
 * export) is logged and thrown: the schedule retries, then the Lambda's
 * error alarm fires. Each invocation publishes FetchStored, FetchFailed and
 * FetchedBytes through the Embedded Metric Format.
 */
export function createFetchHandler(log: Logger = createLogger()) {
  return async function fetchHandler(_event: unknown, context: LambdaContext = {}) {
    const logRequest = log.child({ requestId: context.awsRequestId });
    const url = process.env.OPAIS_FETCH_URL;
    const to = process.env.OPAIS_FETCH_TO;
    let stored = 0;
    let bytes = 0;
    let failed = 1;
    try {
      if (!url || !to) {
        throw new OpaisError('INVALID_ARGUMENT', 'the fetch Lambda needs OPAIS_FETCH_URL and OPAIS_FETCH_TO');
      }
      const database = await lambdaDatabase();
      const result = await fetchSnapshot({
        url,
        target: parseFetchTarget(to),
        pool: database.pool,
        s3: defaultS3Client,
      });
      if (result.status === 'stored') {
        stored = 1;
        bytes = result.bytes;
      }
      failed = 0;
      logRequest.info({ ...result }, `fetch ${result.status}`);
      return result;
    } catch (error) {
      logRequest.error(
        { url, code: error instanceof OpaisError ? error.code : undefined, error: (error as Error).message },
        'fetch failed',
      );
      throw error;
    } finally {
      logRequest.info(
        embeddedMetrics({
          FetchStored: { value: stored, unit: 'Count' },
          FetchFailed: { value: failed, unit: 'Count' },
          FetchedBytes: { value: bytes, unit: 'Bytes' },
        }),
        'metrics',
      );
    }
  };
}

/** The Lambda entry point (handler setting `index.fetchHandler` in the bundle). */
export const fetchHandler = createFetchHandler();
