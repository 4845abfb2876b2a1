import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { runOpais } from '../../test/support/run-opais.ts';
import { createBucket, putObject, snapshotJson, zipOf } from '../../test/support/s3-fixtures.ts';
import { coveredEntities } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { createS3Client } from './s3-client.ts';
import { s3Source } from './s3-source.ts';
import { sourceFromUri } from './source-from-uri.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(source: ReturnType<typeof s3Source>) {
  const opened = await source.open();
  const chunks: Buffer[] = [];
  for await (const chunk of opened.json) chunks.push(chunk as Buffer);
  return { opened, bytes: Buffer.concat(chunks), sha256: await opened.sha256() };
}

describe.skipIf(motoUnavailableReason())('s3Source against a real S3 server (moto)', () => {
  let moto: MotoServer;
  let client: S3Client;
  let ranges: string[];
  const json = snapshotJson(coveredEntities(30));

  beforeAll(async () => {
    moto = await startMotoServer();
    Object.assign(process.env, moto.env);
    client = createS3Client(moto.env);
    ranges = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Range?: string };
        if (input.Range) ranges.push(input.Range);
        return next(args);
      },
      { step: 'initialize', name: 'recordRanges' },
    );
    await createBucket(client, 'exports');
    await createBucket(client, 'versioned', { versioned: true });
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('streams a .json object with its SHA-256 and object info', async () => {
    const put = await putObject(client, 'exports', 'daily/OPA_CE_DAILY_PUBLIC.JSON', json);
    const {
      opened,
      bytes,
      sha256: digest,
    } = await readAll(s3Source({ bucket: 'exports', key: 'daily/OPA_CE_DAILY_PUBLIC.JSON', client }));
    expect(bytes.equals(json)).toBe(true);
    expect(digest).toBe(sha256(json));
    expect(opened.jsonBytes).toBe(json.length);
    expect(opened.lastModified).toBeInstanceOf(Date);
    expect(opened.info).toEqual({
      kind: 's3',
      bucket: 'exports',
      key: 'daily/OPA_CE_DAILY_PUBLIC.JSON',
      etag: put.ETag?.replace(/"/g, ''),
      versionId: undefined,
      sizeBytes: json.length,
      lastModified: opened.lastModified?.toISOString(),
    });
  });

  it('reads a .zip object through ranged GETs, hashing the zip bytes', async () => {
    const zip = await zipOf(json);
    await putObject(client, 'exports', 'daily/export.zip', zip);
    ranges.length = 0;
    const {
      opened,
      bytes,
      sha256: digest,
    } = await readAll(s3Source({ bucket: 'exports', key: 'daily/export.zip', client }));
    expect(bytes.equals(json)).toBe(true);
    expect(digest).toBe(sha256(zip));
    expect(opened.info).toMatchObject({
      kind: 's3',
      bucket: 'exports',
      key: 'daily/export.zip',
      sizeBytes: zip.length,
    });
    expect(ranges.length).toBeGreaterThan(0);
  });

  it('reads the version it is given in a versioned bucket, and records it', async () => {
    const first = await putObject(client, 'versioned', 'day.json', json);
    await putObject(client, 'versioned', 'day.json', snapshotJson(coveredEntities(2)));
    const { opened, bytes } = await readAll(
      s3Source({ bucket: 'versioned', key: 'day.json', versionId: first.VersionId, client }),
    );
    expect(bytes.equals(json)).toBe(true);
    expect(opened.info).toMatchObject({ versionId: first.VersionId });
  });

  it('says which object is missing', async () => {
    const missing = s3Source({ bucket: 'exports', key: 'daily/missing.json', client }).open();
    await expect(missing).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: 's3://exports/daily/missing.json: no such object',
    });
    const noBucket = s3Source({ bucket: 'no-such-bucket', key: 'a.zip', client }).open();
    await expect(noBucket).rejects.toThrow('s3://no-such-bucket/a.zip: bucket does not exist');
  });

  it('refuses to read an object that changed since it was listed (ETag pinned)', async () => {
    await putObject(client, 'exports', 'daily/pinned.json', json);
    const stale = s3Source({
      bucket: 'exports',
      key: 'daily/pinned.json',
      etag: 'not-the-etag',
      client,
    }).open();
    await expect(stale).rejects.toMatchObject({ name: 'PreconditionFailed' });
  });

  it('is what sourceFromUri gives for s3:// URIs, and refuses a prefix', () => {
    expect(sourceFromUri('s3://exports/daily/OPA_CE_DAILY_PUBLIC.JSON').name).toBe(
      's3://exports/daily/OPA_CE_DAILY_PUBLIC.JSON',
    );
    expect(() => sourceFromUri('s3://exports/daily/')).toThrow(/names a prefix/);
  });

  describe('opais ingest s3://…', () => {
    let database: Database;

    beforeAll(async () => {
      database = await createTestDatabase('s3src');
    });

    afterAll(async () => {
      await database?.close();
    });

    it('ingests an S3 object and records its bucket, key and ETag in SnapshotIngested', async () => {
      const put = await putObject(client, 'exports', 'cli/OPA_CE_DAILY_PUBLIC.JSON', json);
      const env = { ...envFor(database), ...moto.env };
      const run = await runOpais(
        ['ingest', 's3://exports/cli/OPA_CE_DAILY_PUBLIC.JSON', '--as-of', '2026-11-26T05:00:00Z', '--json'],
        env,
      );
      // (The AWS SDK may warn on stderr about the Node version; no error is printed.)
      expect(run.stderr).not.toContain('opais:');
      expect(JSON.parse(run.stdout)).toMatchObject({
        source: 's3://exports/cli/OPA_CE_DAILY_PUBLIC.JSON',
        registered: 30,
        sha256: sha256(json),
      });
      const [snapshot] = await database.store.listSnapshots();
      expect(snapshot?.source).toMatchObject({
        kind: 's3',
        bucket: 'exports',
        key: 'cli/OPA_CE_DAILY_PUBLIC.JSON',
        etag: put.ETag?.replace(/"/g, ''),
        sizeBytes: json.length,
      });

      const missing = await runOpais(
        ['ingest', 's3://exports/cli/missing.json', '--as-of', '2026-11-27T05:00:00Z'],
        env,
      );
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain('SOURCE_NOT_FOUND: s3://exports/cli/missing.json: no such object');
    });
  });
});
