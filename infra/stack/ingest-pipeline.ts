import {
  Duration,
  aws_events as events,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_sqs as sqs,
  aws_events_targets as targets,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Database } from './database.ts';
import type { Network } from './network.ts';
import { OpaisFunction } from './opais-function.ts';
import type { OpaisSettings } from './settings.ts';
import type { SnapshotBucket } from './snapshot-bucket.ts';

/**
 * S3 "Object Created" under the prefix → EventBridge rule → the ingest
 * Lambda. A failed ingest is thrown and retried twice by Lambda, then the
 * event goes to the dead-letter queue; so does an event EventBridge could
 * not deliver at all. Retrying is safe (the export's SHA-256 makes a
 * repeat a no-op).
 */
export class IngestPipeline extends Construct {
  readonly function: lambda.Function;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: OpaisSettings;
      code: lambda.Code;
      network: Network;
      database: Database;
      bucket: SnapshotBucket;
    },
  ) {
    super(scope, id);
    const { settings, bucket } = props;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const ingest = new OpaisFunction(this, 'Ingest', {
      handler: 'index.handler',
      code: props.code,
      description: 'opais-changelog ingest: an export put into the bucket, into the event store',
      memoryMiB: settings.ingestMemoryMiB,
      timeout: Duration.seconds(settings.ingestTimeoutSeconds),
      network: props.network,
      database: props.database,
      environment: {
        OPAIS_SCHEMA: settings.schema,
        OPAIS_SNAPSHOT_PREFIX: settings.snapshotPrefix,
        OPAIS_MAX_REMOVAL_RATIO: String(settings.maxRemovalRatio),
        OPAIS_MAX_CHANGE_RATIO: String(settings.maxChangeRatio),
      },
    });
    this.function = ingest.function;
    this.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    // Set here, not with the function's deadLetterQueue option, which would also grant receive and delete.
    (this.function.node.defaultChild as import('aws-cdk-lib').aws_lambda.CfnFunction).deadLetterConfig = {
      targetArn: this.deadLetterQueue.queueArn,
    };
    ingest.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
    ingest.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [bucket.objectsArn(settings)],
      }),
    );
    // With ListBucket a missing object is a clear 404 (SOURCE_NOT_FOUND) rather than a 403.
    ingest.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${settings.snapshotPrefix}*`] } },
      }),
    );

    this.rule = new events.Rule(this, 'SnapshotCreated', {
      description: 'An export created under the snapshot prefix of the bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [bucket.bucket.bucketName] },
          ...(settings.snapshotPrefix ? { object: { key: [{ prefix: settings.snapshotPrefix }] } } : {}),
        },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
  }
}
