import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PutBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { createBucket, putObject, snapshotJson } from '../../test/support/s3-fixtures.ts';
import { coveredEntities, coveredEntity } from '../../test/support/snapshot-fixtures.ts';
import { takeMessage as takeFrom } from '../../test/support/take-message.ts';
import { createTestDatabase, testDatabaseUrl } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { createLogger } from '../log/create-logger.ts';
import { createS3Client } from '../source/s3-client.ts';
import { readWholeLog } from '../store/testing/read-whole-log.ts';
import { createHandler, type ObjectOutcome } from './handler.ts';
import { forgetLambdaDatabase } from './lambda-database.ts';

const run = promisify(execFile);
const bucket = 'opais-exports';

/**
 * The whole trigger path against real servers: an object put into a moto S3
 * bucket with EventBridge notifications makes an "Object Created" event; a
 * rule routes it to an SQS queue (standing in for the Lambda target); the
 * message is taken off the queue and handed to the handler, which reads its
 * database credentials from moto's Secrets Manager and ingests into PostgreSQL.
 */
describe.skipIf(motoUnavailableReason())('Lambda handler against moto and PostgreSQL', () => {
  let moto: MotoServer;
  let database: Database;
  let s3: S3Client;
  let sqs: SQSClient;
  let eventBridgeQueue: string;
  let recordsQueue: string;
  let webhook: Server;
  const alerts: Array<Record<string, unknown>> = [];
  const logs: Array<Record<string, unknown>> = [];
  const day0 = coveredEntities(20);
  const day1 = [
    ...day0.slice(0, 19),
    coveredEntity('DSH000020', 20, { name: 'RENAMED' }),
    coveredEntity('DSH000021', 21),
  ];

  const handler = createHandler(
    createLogger({ destination: { write: (line) => logs.push(JSON.parse(line)) } }),
  );
  /** The figures the last invocation published through the Embedded Metric Format. */
  const lastMetrics = () => logs.filter((line) => line._aws !== undefined).at(-1);

  const eventCount = async () => (await readWholeLog(database.store)).length;

  const takeMessage = (queueUrl: string) => takeFrom(sqs, queueUrl);

  beforeAll(async () => {
    moto = await startMotoServer();
    Object.assign(process.env, moto.env);
    database = await createTestDatabase('lambda');
    webhook = createServer(async (request, response) => {
      let text = '';
      for await (const chunk of request) text += chunk;
      alerts.push(JSON.parse(text));
      response.end();
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));

    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const aws = { endpoint: moto.endpoint, region: 'us-east-1', credentials };
    s3 = createS3Client(moto.env);
    sqs = new SQSClient(aws);
    const eventBridge = new EventBridgeClient(aws);
    const secrets = new SecretsManagerClient(aws);

    await createBucket(s3, bucket);
    const queueArn = async (name: string) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
    };
    const fromRule = await queueArn('from-eventbridge');
    const fromNotification = await queueArn('from-s3-notification');
    eventBridgeQueue = fromRule.url;
    recordsQueue = fromNotification.url;
    // What infra/ deploys: S3 → EventBridge → a rule on source, detail-type and bucket name.
    await eventBridge.send(
      new PutRuleCommand({
        Name: 'snapshot-created',
        EventPattern: JSON.stringify({
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [bucket] } },
        }),
      }),
    );
    await eventBridge.send(
      new PutTargetsCommand({ Rule: 'snapshot-created', Targets: [{ Id: 'queue', Arn: fromRule.arn }] }),
    );
    // The classic notification (Records[]) for the keys under records/.
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          EventBridgeConfiguration: {},
          QueueConfigurations: [
            {
              QueueArn: fromNotification.arn,
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'records/' }] } },
            },
          ],
        },
      }),
    );
    const url = new URL(testDatabaseUrl);
    const secret = await secrets.send(
      new CreateSecretCommand({
        Name: 'opais/database',
        SecretString: JSON.stringify({
          engine: 'postgres',
          username: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          host: url.hostname,
          port: Number(url.port || 5432),
          dbname: url.pathname.slice(1),
        }),
      }),
    );
    // The Lambda's configuration is its environment.
    Object.assign(process.env, {
      OPAIS_DATABASE_SECRET_ARN: secret.ARN as string,
      OPAIS_SCHEMA: database.schema,
      OPAIS_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`,
    });
    delete process.env.DATABASE_URL;
  });

  afterAll(async () => {
    await forgetLambdaDatabase();
    await new Promise((resolve) => webhook?.close(resolve));
    await database?.close();
    await moto?.stop();
  });

  it('ingests the object named by an EventBridge "Object Created" event, as of the event time', async () => {
    const put = await putObject(s3, bucket, 'daily/OPA_CE_DAILY_PUBLIC.JSON', snapshotJson(day0));
    const event = (await takeMessage(eventBridgeQueue)) as { time: string; 'detail-type': string };
    expect(event['detail-type']).toBe('Object Created');

    const result = await handler(event, { awsRequestId: 'req-1' });

    expect(result.objects).toEqual([
      expect.objectContaining({
        uri: `s3://${bucket}/daily/OPA_CE_DAILY_PUBLIC.JSON`,
        status: 'applied',
        asOf: new Date(event.time).toISOString(),
        asOfFrom: 'event',
        registered: 20,
      }),
    ]);
    expect(await eventCount()).toBe(21);
    expect((await database.store.listSnapshots())[0]?.source).toMatchObject({
      kind: 's3',
      bucket,
      key: 'daily/OPA_CE_DAILY_PUBLIC.JSON',
      etag: put.ETag?.replace(/"/g, ''),
    });
    // The projections were caught up after the ingest.
    const current = await database.pool.query<{ count: number }>(
      "select count(*)::int as count from dim_ce where current_version_flg = 'Y'",
    );
    expect(current.rows[0]?.count).toBe(20);
    expect(logs.find((line) => line.message === 'ingest applied')).toMatchObject({ requestId: 'req-1' });
    expect(lastMetrics()).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'opais-changelog',
            Dimensions: [[]],
            Metrics: expect.arrayContaining([
              { Name: 'SnapshotsApplied', Unit: 'Count' },
              { Name: 'IngestDuration', Unit: 'Milliseconds' },
              { Name: 'ExportsOutOfOrder', Unit: 'Count' },
            ]),
          },
        ],
      },
      requestId: 'req-1',
      SnapshotsApplied: 1,
      Registered: 20,
      Changed: 0,
      Removed: 0,
      SnapshotBytes: Buffer.byteLength(snapshotJson(day0)),
      ExportsOutOfOrder: 0,
      MassChangeRefused: 0,
      ProjectorLagSeconds: 0,
      ProjectorsStopped: 0,
    });
  });

  it('ingests the object of a classic S3 notification (Records[]), as of the date in its key', async () => {
    await putObject(s3, bucket, 'records/OPA_CE_DAILY_PUBLIC_2099-01-01.JSON', snapshotJson(day1));
    const event = (await takeMessage(recordsQueue)) as { Records: unknown[] };
    expect(event.Records).toHaveLength(1);
    await takeMessage(eventBridgeQueue); // the same put also went to EventBridge; not needed here

    const result = await handler(event);

    expect(result.objects).toEqual([
      expect.objectContaining({
        status: 'applied',
        asOf: '2099-01-01T00:00:00.000Z',
        asOfFrom: 'key',
        changed: 1,
        registered: 1,
      }),
    ]);
    expect(await eventCount()).toBe(21 + 3);
  });

  it('appends nothing for a duplicate delivery of the same event', async () => {
    const event = {
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          eventTime: '2099-01-01T00:00:01.000Z',
          s3: { bucket: { name: bucket }, object: { key: 'records/OPA_CE_DAILY_PUBLIC_2099-01-01.JSON' } },
        },
      ],
    };
    const result = await handler(event);
    expect(result.objects).toEqual([expect.objectContaining({ status: 'already-applied' })]);
    expect(await eventCount()).toBe(24);
  });

  it('ingests once when two invocations (two processes) handle the same object at the same time', async () => {
    const day2 = [...day1.slice(1)];
    await putObject(s3, bucket, 'daily/OPA_CE_DAILY_PUBLIC_2099-01-02.JSON', snapshotJson(day2));
    const event = await takeMessage(eventBridgeQueue);
    const invoke = () =>
      run(process.execPath, ['--import', 'tsx', 'test/support/invoke-handler.ts', JSON.stringify(event)], {
        env: process.env,
      })
        .then(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) as string))
        .catch((error: { stdout: string }) => JSON.parse(error.stdout.trim().split('\n').at(-1) as string));
    const outcomes = await Promise.all([invoke(), invoke()]);
    const statuses = outcomes.map((outcome) => outcome.result?.objects?.[0]?.status ?? outcome).sort();
    expect(statuses).toEqual(['already-applied', 'applied']);
    expect(await eventCount()).toBe(24 + 2); // one removal + SnapshotIngested, once
  });

  it('ignores a key that is not a snapshot, with a log line', async () => {
    await putObject(s3, bucket, 'daily/README.txt', 'not an export');
    const event = await takeMessage(eventBridgeQueue);
    const result = await handler(event);
    expect(result.objects).toEqual([
      expect.objectContaining({ uri: `s3://${bucket}/daily/README.txt`, status: 'ignored' }),
    ]);
    expect(logs.find((line) => line.message === 'ignored object')).toMatchObject({
      uri: `s3://${bucket}/daily/README.txt`,
    });
    expect(await eventCount()).toBe(26);
  });

  it('throws a clear error for a missing object, and tells the webhook', async () => {
    const event = {
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2099-02-01T00:00:00Z',
      detail: { bucket: { name: bucket }, object: { key: 'daily/gone.json', etag: 'x' } },
    };
    await expect(handler(event)).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: `s3://${bucket}/daily/gone.json: no such object`,
    });
    expect(alerts.at(-1)).toMatchObject({
      event: 'ingest.failed',
      code: 'SOURCE_NOT_FOUND',
      source: `s3://${bucket}/daily/gone.json`,
      origin: 'lambda',
    });
    expect(await eventCount()).toBe(26);
  });

  it('throws when the mass-removal guard trips, and tells the webhook', async () => {
    await putObject(s3, bucket, 'daily/OPA_CE_DAILY_PUBLIC_2099-01-03.JSON', snapshotJson(day1.slice(0, 3)));
    const event = await takeMessage(eventBridgeQueue);
    await expect(handler(event)).rejects.toMatchObject({ code: 'MASS_REMOVAL' });
    expect(alerts.at(-1)).toMatchObject({
      event: 'ingest.mass_removal_refused',
      code: 'MASS_REMOVAL',
      origin: 'lambda',
    });
    expect(lastMetrics()).toMatchObject({ MassChangeRefused: 1, SnapshotsApplied: 0 });
    expect(await eventCount()).toBe(26);
  });
  it('refuses a malformed or overlong key by name and still applies the other objects of the event', async () => {
    const goodKey = 'records/OPA_CE_DAILY_PUBLIC_2099-01-04.JSON';
    await putObject(s3, bucket, goodKey, snapshotJson([...day1, coveredEntity('DSH000022', 22)]));
    const record = (key: string) => ({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      eventTime: '2099-01-04T00:00:00.000Z',
      s3: { bucket: { name: bucket }, object: { key } },
    });
    const longKey = `records/${'k'.repeat(100_000)}.json`;
    const event = { Records: [record('records/bad%ZZkey.json'), record(longKey), record(goodKey)] };
    const before = await eventCount();

    const failure = await handler(event).then(
      () => undefined,
      (error: { code?: string; message: string }) => error,
    );
    expect(failure?.code).toBe('INVALID_ARGUMENT');
    expect(failure?.message).toContain('2 of 3 objects failed');
    expect(failure?.message).toContain(
      `s3://${bucket}/records/bad%ZZkey.json: the key has a malformed %-escape`,
    );
    expect(failure?.message).toContain('the key is 100013 bytes long; S3 keys are at most 1024 bytes');
    expect(failure?.message.length).toBeLessThan(2000);

    const done = logs.filter((line) => line.message === 'done').at(-1)?.objects as ObjectOutcome[];
    expect(
      done.map((outcome) => outcome.status),
      JSON.stringify(done),
    ).toEqual(['failed', 'failed', 'applied']);
    expect(await eventCount()).toBeGreaterThan(before ?? 0);
    expect(alerts.slice(-2).map((alert) => alert.code)).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
  });
  it('answers an export older than the head as out-of-order, records it and tells the webhook, without a retry', async () => {
    const key = 'late/OPA_CE_DAILY_PUBLIC_2098-12-31.JSON';
    await putObject(s3, bucket, key, snapshotJson(day0.slice(0, 19)));
    const before = await eventCount();
    const result = await handler({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2099-02-01T00:00:00Z',
      detail: { bucket: { name: bucket }, object: { key } },
    });
    expect(result.objects).toEqual([
      {
        uri: `s3://${bucket}/${key}`,
        status: 'out-of-order',
        asOf: '2098-12-31T00:00:00.000Z',
        headAsOf: '2099-01-04T00:00:00.000Z',
      },
    ]);
    expect(await eventCount()).toBe(before);
    const { rows } = await database.pool.query(
      'select state, head_as_of from export_inbox where source = $1',
      [`s3://${bucket}/${key}`],
    );
    expect(rows).toEqual([{ state: 'out-of-order', head_as_of: new Date('2099-01-04T00:00:00Z') }]);
    expect(alerts.at(-1)).toMatchObject({ code: 'AS_OF_NOT_LATER', source: `s3://${bucket}/${key}` });
  });

  it('applies an earlier export whose invocation died while waiting before its own, in as-of order', async () => {
    const current = [...day1, coveredEntity('DSH000022', 22)];
    const orphanKey = 'daily/OPA_CE_DAILY_PUBLIC_2099-01-05.JSON';
    const ownKey = 'daily/OPA_CE_DAILY_PUBLIC_2099-01-06.JSON';
    await putObject(s3, bucket, orphanKey, snapshotJson([...current, coveredEntity('DSH000023', 23)]));
    await putObject(s3, bucket, ownKey, snapshotJson([...current, coveredEntity('DSH000024', 24)]));
    // As an invocation leaves it when it dies waiting for the lock: pending, its waiter gone.
    await database.pool.query(
      "insert into export_inbox (source, as_of, state) values ($1, '2099-01-05T00:00:00Z', 'pending')",
      [`s3://${bucket}/${orphanKey}`],
    );
    const result = await handler({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2099-02-01T00:00:00Z',
      detail: { bucket: { name: bucket }, object: { key: ownKey } },
    });
    expect(result.objects).toEqual([
      expect.objectContaining({ status: 'applied', asOf: '2099-01-06T00:00:00.000Z' }),
    ]);
    const applied = (await database.store.listSnapshots()).sort(
      (a, b) => b.globalPosition - a.globalPosition,
    );
    expect(applied.slice(0, 2).map((snapshot) => snapshot.asOf.toISOString())).toEqual([
      '2099-01-06T00:00:00.000Z',
      '2099-01-05T00:00:00.000Z',
    ]);
    const { rows: inbox } = await database.pool.query('select state from export_inbox where source = $1', [
      `s3://${bucket}/${orphanKey}`,
    ]);
    expect(inbox).toEqual([{ state: 'applied' }]);
  });
});
