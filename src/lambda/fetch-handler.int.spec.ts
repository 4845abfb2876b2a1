import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { createBucket, snapshotJson } from '../../test/support/s3-fixtures.ts';
import { coveredEntities } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, testDatabaseUrl } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { createLogger } from '../log/create-logger.ts';
import { createS3Client } from '../source/s3-client.ts';
import { createFetchHandler } from './fetch-handler.ts';
import { forgetLambdaDatabase } from './lambda-database.ts';

/** The scheduled download: a local web server as the export's site, moto's S3 as the bucket, PostgreSQL for the validators. */
describe.skipIf(motoUnavailableReason())(
  'fetch Lambda against a local web server, moto and PostgreSQL',
  () => {
    let moto: MotoServer;
    let database: Database;
    let s3: S3Client;
    let site: Server;
    let base: string;
    const export1 = snapshotJson(coveredEntities(5));
    const logs: Array<Record<string, unknown>> = [];
    const fetchHandler = createFetchHandler(
      createLogger({ destination: { write: (line) => logs.push(JSON.parse(line)) } }),
    );
    const lastMetrics = () => logs.filter((line) => line._aws !== undefined).at(-1);

    beforeAll(async () => {
      moto = await startMotoServer();
      database = await createTestDatabase('fetch_lambda');
      Object.assign(process.env, moto.env);
      s3 = createS3Client(moto.env);
      await createBucket(s3, 'exports');
      site = createServer((request, response) => {
        if (request.url === '/OPA_CE_DAILY_PUBLIC.JSON') response.end(export1);
        else if (request.url === '/not-an-export') response.end('<html>please use a browser</html>');
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      Object.assign(process.env, {
        DATABASE_URL: testDatabaseUrl,
        OPAIS_SCHEMA: database.schema,
        OPAIS_FETCH_TO: 's3://exports/daily/',
      });
    });

    afterAll(async () => {
      await forgetLambdaDatabase();
      site?.closeAllConnections();
      await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
      await database?.close();
      await moto?.stop();
    });

    it('stores the export under a dated key, then finds it not modified', async () => {
      process.env.OPAIS_FETCH_URL = `${base}/OPA_CE_DAILY_PUBLIC.JSON`;
      const result = await fetchHandler({}, { awsRequestId: 'schedule-1' });
      expect(result).toMatchObject({ status: 'stored', bytes: Buffer.byteLength(export1), elements: 5 });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'exports', Prefix: 'daily/' }));
      const key = listed.Contents?.[0]?.Key as string;
      expect(key).toMatch(/^daily\/OPA_CE_DAILY_PUBLIC_\d{8}T\d{6}Z\.JSON$/);
      expect((await s3.send(new HeadObjectCommand({ Bucket: 'exports', Key: key }))).ContentLength).toBe(
        Buffer.byteLength(export1),
      );
      expect(lastMetrics()).toMatchObject({
        requestId: 'schedule-1',
        FetchStored: 1,
        FetchFailed: 0,
        FetchedBytes: Buffer.byteLength(export1),
      });

      expect(await fetchHandler({})).toMatchObject({ status: 'unchanged' });
      expect(lastMetrics()).toMatchObject({ FetchStored: 0, FetchFailed: 0 });
    });

    it('fails loudly when the URL stops giving a readable export, storing nothing', async () => {
      for (const [path, code] of [
        ['/not-an-export', 'SNAPSHOT_MALFORMED'],
        ['/gone', 'SOURCE_NOT_FOUND'],
      ]) {
        process.env.OPAIS_FETCH_URL = `${base}${path}`;
        await expect(fetchHandler({})).rejects.toMatchObject({ code });
        expect(lastMetrics()).toMatchObject({ FetchStored: 0, FetchFailed: 1 });
        expect(logs.filter((line) => line.message === 'fetch failed').at(-1)).toMatchObject({
          level: 'error',
          code,
        });
      }
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'exports', Prefix: 'daily/' }));
      expect(listed.Contents).toHaveLength(1);
    });
  },
);
