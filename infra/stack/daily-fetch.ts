import {
  Duration,
  aws_iam as iam,
  type aws_lambda as lambda,
  Size,
  aws_scheduler as scheduler,
  aws_scheduler_targets as schedulerTargets,
  type aws_sqs as sqs,
  TimeZone,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Database } from './database.ts';
import type { Network } from './network.ts';
import { OpaisFunction } from './opais-function.ts';
import type { OpaisSettings } from './settings.ts';
import type { SnapshotBucket } from './snapshot-bucket.ts';

/**
 * The daily download: an EventBridge Scheduler schedule (time and time
 * zone from the settings) invokes the fetch Lambda, which runs `opais
 * fetch` and puts the export under the snapshot prefix with a dated key;
 * that put triggers the ingest. A failing download is thrown (the error
 * alarm), retried twice by the scheduler, then dead-lettered.
 */
export class DailyFetch extends Construct {
  readonly function: lambda.Function;
  readonly schedule: scheduler.Schedule;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: OpaisSettings & { fetchUrl: string };
      code: lambda.Code;
      network: Network;
      database: Database;
      bucket: SnapshotBucket;
      deadLetterQueue: sqs.IQueue;
    },
  ) {
    super(scope, id);
    const { settings, bucket } = props;
    const fetch = new OpaisFunction(this, 'Fetch', {
      handler: 'index.fetchHandler',
      code: props.code,
      description: 'opais-changelog daily download: the export from its URL into the bucket',
      // Full-speed CPU for reading the whole download through the snapshot reader before storing it.
      memoryMiB: 1769,
      timeout: Duration.minutes(15),
      // The download is written to /tmp and read back (≈ 200 MB today, room for growth and a zip).
      ephemeralStorage: Size.gibibytes(2),
      network: props.network,
      database: props.database,
      environment: {
        OPAIS_SCHEMA: settings.schema,
        OPAIS_FETCH_URL: settings.fetchUrl,
        OPAIS_FETCH_TO: `s3://${bucket.bucket.bucketName}/${settings.snapshotPrefix}`,
      },
    });
    this.function = fetch.function;
    // Conditional PUT (If-None-Match: *): a stored export is never replaced, so no read or delete is needed.
    fetch.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.objectsArn(settings)] }),
    );

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Daily download of the OPAIS export',
      schedule: scheduler.ScheduleExpression.cron({
        hour: String(settings.fetchTime.hour),
        minute: String(settings.fetchTime.minute),
        timeZone: TimeZone.of(settings.fetchTimeZone),
      }),
      target: new schedulerTargets.LambdaInvoke(this.function, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: props.deadLetterQueue,
      }),
    });
  }
}
