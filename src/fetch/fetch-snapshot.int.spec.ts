import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { runOpais } from '../../test/support/run-opais.ts';
import { createBucket, snapshotJson, zipOf } from '../../test/support/s3-fixtures.ts';
import { coveredEntities, tempDir } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { createS3Client } from '../source/s3-client.ts';
import { datedSnapshotName } from '../source/snapshot-key-date.ts';
import { fetchSnapshot } from './fetch-snapshot.ts';
import { parseFetchTarget } from './store-snapshot-file.ts';

type SdkBody = { transformToByteArray(): Promise<Uint8Array> };

interface Published {
  body: Buffer;
  etag: string;
  lastModified: string;
  /** Answer 200 whatever the request says (a server that ignores conditional requests). */
  ignoresConditions?: boolean;
  status?: number;
}

/** A local stand-in for the export's web server: honours If-None-Match / If-Modified-Since like a static file server. */
describe('fetchSnapshot against a local HTTP server', () => {
  let server: Server;
  let base: string;
  let database: Database;
  const published = new Map<string, Published>();
  const requests: Array<{ path: string; headers: IncomingHttpHeaders; status: number }> = [];
  let clock = new Date('2026-11-26T05:00:00.000Z');
  const now = () => clock;
  const noS3 = () => {
    throw new Error('no S3 in this test');
  };

  beforeAll(async () => {
    database = await createTestDatabase('fetch');
    server = createServer((request, response) => {
      const file = published.get(request.url ?? '');
      let status = file?.status ?? (file ? 200 : 404);
      if (file && status === 200 && !file.ignoresConditions) {
        const matches = request.headers['if-none-match'] === file.etag;
        const notModifiedSince =
          request.headers['if-modified-since'] !== undefined &&
          new Date(request.headers['if-modified-since']) >= new Date(file.lastModified);
        if (matches || (!request.headers['if-none-match'] && notModifiedSince)) status = 304;
      }
      requests.push({ path: request.url ?? '', headers: request.headers, status });
      response.statusCode = status;
      if (file) {
        response.setHeader('etag', file.etag);
        response.setHeader('last-modified', file.lastModified);
      }
      response.end(status === 200 ? file?.body : undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await database?.close();
  });

  beforeEach(() => {
    clock = new Date(clock.getTime() + 86_400_000);
  });

  it('stores a new export under a dated name, then sends the validators and stores nothing on 304', async () => {
    const dir = tempDir('opais-fetch-');
    const v1 = snapshotJson(coveredEntities(5));
    published.set('/export.json', { body: v1, etag: '"v1"', lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT' });
    const url = `${base}/export.json`;

    const first = await fetchSnapshot({
      url,
      target: parseFetchTarget(dir),
      pool: database.pool,
      s3: noS3,
      now,
    });
    expect(first).toMatchObject({ status: 'stored', elements: 5, bytes: v1.length });
    expect(readdirSync(dir)).toEqual(['OPA_CE_DAILY_PUBLIC_20261127T050000Z.JSON']);
    expect(readFileSync(path.join(dir, 'OPA_CE_DAILY_PUBLIC_20261127T050000Z.JSON')).equals(v1)).toBe(true);
    expect(requests.at(-1)?.headers['if-none-match']).toBeUndefined();

    const second = await fetchSnapshot({
      url,
      target: parseFetchTarget(dir),
      pool: database.pool,
      s3: noS3,
      now,
    });
    expect(second).toEqual({ status: 'not-modified', url });
    expect(requests.at(-1)).toMatchObject({
      status: 304,
      headers: { 'if-none-match': '"v1"', 'if-modified-since': 'Thu, 26 Nov 2026 04:00:00 GMT' },
    });
    expect(readdirSync(dir)).toHaveLength(1);

    published.set('/export.json', {
      body: snapshotJson(coveredEntities(6)),
      etag: '"v2"',
      lastModified: 'Fri, 27 Nov 2026 04:00:00 GMT',
    });
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    const third = await fetchSnapshot({
      url,
      target: parseFetchTarget(dir),
      pool: database.pool,
      s3: noS3,
      now,
    });
    expect(third).toMatchObject({ status: 'stored', elements: 6 });
    expect(readdirSync(dir).sort()).toEqual([
      'OPA_CE_DAILY_PUBLIC_20261127T050000Z.JSON',
      'OPA_CE_DAILY_PUBLIC_20261129T050000Z.JSON',
    ]);
  });

  it('does not store the same bytes twice when the server ignores conditional requests', async () => {
    const dir = tempDir('opais-fetch-');
    published.set('/plain.json', {
      body: snapshotJson(coveredEntities(3)),
      etag: '"p"',
      lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT',
      ignoresConditions: true,
    });
    const url = `${base}/plain.json`;
    expect(
      await fetchSnapshot({ url, target: parseFetchTarget(dir), pool: database.pool, s3: noS3, now }),
    ).toMatchObject({ status: 'stored' });
    clock = new Date(clock.getTime() + 3_600_000);
    expect(
      await fetchSnapshot({ url, target: parseFetchTarget(dir), pool: database.pool, s3: noS3, now }),
    ).toMatchObject({ status: 'unchanged' });
    expect(requests.at(-1)?.status).toBe(200);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('keeps a zip as a .zip', async () => {
    const dir = tempDir('opais-fetch-');
    published.set('/export.zip', {
      body: await zipOf(snapshotJson(coveredEntities(4))),
      etag: '"z"',
      lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT',
    });
    const result = await fetchSnapshot({
      url: `${base}/export.zip`,
      target: parseFetchTarget(dir),
      pool: database.pool,
      s3: noS3,
      now,
    });
    expect(result).toMatchObject({ status: 'stored', elements: 4 });
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^OPA_CE_DAILY_PUBLIC_\d{8}T\d{6}Z\.zip$/)]);
  });

  it('never replaces a stored export in a directory (two different exports in the same second)', async () => {
    const dir = tempDir('opais-fetch-');
    const url = `${base}/same-second.json`;
    const first = snapshotJson(coveredEntities(2));
    published.set('/same-second.json', {
      body: first,
      etag: '"a"',
      lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT',
    });
    await fetchSnapshot({ url, target: parseFetchTarget(dir), pool: database.pool, s3: noS3, now });
    published.set('/same-second.json', {
      body: snapshotJson(coveredEntities(3)),
      etag: '"b"',
      lastModified: 'Fri, 27 Nov 2026 04:00:00 GMT',
    });
    await expect(
      fetchSnapshot({ url, target: parseFetchTarget(dir), pool: database.pool, s3: noS3, now }),
    ).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message: expect.stringContaining('already exists'),
    });
    expect(readdirSync(dir)).toEqual([datedSnapshotName(clock, '.JSON')]);
    expect(readFileSync(path.join(dir, datedSnapshotName(clock, '.JSON'))).equals(first)).toBe(true);
  });

  it('refuses an unreadable export and stores nothing', async () => {
    const dir = tempDir('opais-fetch-');
    published.set('/truncated.json', {
      body: Buffer.from('{"coveredEntities":[{"id340B":"DSH'),
      etag: '"t"',
      lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT',
    });
    const url = `${base}/truncated.json`;
    await expect(
      fetchSnapshot({ url, target: parseFetchTarget(dir), pool: database.pool, s3: noS3, now }),
    ).rejects.toMatchObject({
      code: 'SNAPSHOT_MALFORMED',
      message: expect.stringContaining(url),
    });
    expect(readdirSync(dir)).toEqual([]);
    const { rows } = await database.pool.query('select 1 from fetch_state where url = $1', [url]);
    expect(rows).toEqual([]);
  });

  it('reports HTTP failures with a code', async () => {
    const target = parseFetchTarget(tempDir('opais-fetch-'));
    await expect(
      fetchSnapshot({ url: `${base}/nothing-here`, target, pool: database.pool, s3: noS3 }),
    ).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    published.set('/down', {
      body: Buffer.alloc(0),
      etag: '"d"',
      lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT',
      status: 503,
    });
    await expect(
      fetchSnapshot({ url: `${base}/down`, target, pool: database.pool, s3: noS3 }),
    ).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message: `${base}/down: HTTP 503 Service Unavailable`,
    });
  });

  it('works from the CLI, with the URL and target from the environment', async () => {
    const dir = tempDir('opais-fetch-');
    published.set('/cli.json', {
      body: snapshotJson(coveredEntities(2)),
      etag: '"c"',
      lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT',
    });
    const env = { ...envFor(database), OPAIS_FETCH_URL: `${base}/cli.json`, OPAIS_FETCH_TO: dir };
    const first = await runOpais(['fetch', '--json'], env);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'stored', elements: 2 });
    const second = await runOpais(['fetch'], env);
    expect(second.stdout).toContain('not modified since the last fetch; nothing stored');
  });

  it.skipIf(motoUnavailableReason())(
    'stores into S3 (moto) under a dated key in the prefix, never replacing one, with the origin in its metadata',
    async () => {
      const moto = await startMotoServer();
      try {
        Object.assign(process.env, moto.env);
        const client = createS3Client(moto.env);
        await createBucket(client, 'landing');
        const body = snapshotJson(coveredEntities(3));
        published.set('/to-s3.json', { body, etag: '"s"', lastModified: 'Thu, 26 Nov 2026 04:00:00 GMT' });
        const fetchToS3 = () =>
          fetchSnapshot({
            url: `${base}/to-s3.json`,
            target: parseFetchTarget('s3://landing/daily'),
            pool: database.pool,
            s3: () => client,
            now,
          });
        const result = await fetchToS3();
        const key = `daily/${datedSnapshotName(clock, '.JSON')}`;
        expect(result).toMatchObject({ status: 'stored', location: `s3://landing/${key}` });
        const stored = await client.send(new GetObjectCommand({ Bucket: 'landing', Key: key }));
        expect(Buffer.from(await (stored.Body as SdkBody).transformToByteArray()).equals(body)).toBe(true);
        const head = await client.send(new HeadObjectCommand({ Bucket: 'landing', Key: key }));
        expect(head.Metadata).toMatchObject({ 'source-url': `${base}/to-s3.json`, 'source-etag': '"s"' });

        // A different export fetched within the same second would take the same name: refused, not overwritten.
        published.set('/to-s3.json', {
          body: snapshotJson(coveredEntities(4)),
          etag: '"s2"',
          lastModified: 'Fri, 27 Nov 2026 04:00:00 GMT',
        });
        await expect(fetchToS3()).rejects.toMatchObject({
          code: 'FETCH_FAILED',
          message: expect.stringContaining('already exists'),
        });
      } finally {
        await moto.stop();
      }
    },
  );
});
