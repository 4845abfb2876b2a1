import {
  aws_cloudwatch_actions as actions,
  aws_cloudwatch as cloudwatch,
  Duration,
  type aws_lambda as lambda,
  type aws_rds as rds,
  Stack,
  aws_sns as sns,
  type aws_sqs as sqs,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { OpaisSettings } from './settings.ts';

export interface ObservedParts {
  ingest: lambda.Function;
  ingestTimeout: Duration;
  deadLetterQueue: sqs.IQueue;
  database: rds.DatabaseInstance;
  fetch: lambda.Function | undefined;
}

/**
 * Alarms to one SNS topic (e-mailed to `alarmEmail`) and a dashboard with
 * the figures the Lambdas publish (Embedded Metric Format, namespace = the
 * stack's name, see src/lambda/ingest-metrics.ts) beside the AWS ones.
 */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, settings: OpaisSettings, parts: ObservedParts) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alarms', { displayName: 'opais-changelog alarms', enforceSSL: true });
    if (settings.alarmEmail)
      this.topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));

    const namespace = Stack.of(this).stackName;
    const figure = (metricName: string, statistic: string, period = Duration.minutes(5)) =>
      new cloudwatch.Metric({ namespace, metricName, statistic, period });
    const atLeastOnce = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const alarm = (
      name: string,
      description: string,
      metric: cloudwatch.Metric,
      options: Partial<cloudwatch.CreateAlarmOptions> = {},
    ) => {
      const created = metric.createAlarm(this, name, {
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: atLeastOnce,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(created);
      return created;
    };

    alarm(
      'IngestFailed',
      'An ingest failed (it is retried twice, then the event is dead-lettered): see the ingest logs',
      parts.ingest.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    alarm(
      'DeadLettersWaiting',
      'An event could not be ingested or a download not delivered: it waits in the dead-letter queue',
      parts.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
    );
    alarm(
      'NoSnapshotApplied',
      `No snapshot was applied for ${settings.staleAfterHours} hours (the download or the ingest is stuck)`,
      figure('SnapshotsApplied', 'Sum', Duration.hours(1)),
      {
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: settings.staleAfterHours,
        datapointsToAlarm: settings.staleAfterHours,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
    alarm(
      'IngestNearTimeout',
      'An ingest took more than 80% of its timeout: raise the memory (it buys CPU) or the timeout',
      parts.ingest.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum' }),
      {
        threshold: parts.ingestTimeout.toMilliseconds() * 0.8,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );
    alarm(
      'MassChangeRefused',
      'The mass-removal guard refused a snapshot: check the export, then ingest it with --allow-mass-removal if it is right',
      figure('MassChangeRefused', 'Sum'),
    );
    alarm(
      'ExportsOutOfOrder',
      'An export older than the log head arrived and was not applied (docs/cloud.md: recovering)',
      figure('ExportsOutOfOrder', 'Sum'),
    );
    alarm(
      'ProjectorStopped',
      'A projector stopped on an event (opais status names it); its tables no longer follow the log',
      figure('ProjectorsStopped', 'Maximum'),
    );
    alarm(
      'ProjectorLagging',
      `A projector is more than ${settings.projectorLagAlarmSeconds} s behind the log`,
      figure('ProjectorLagSeconds', 'Maximum'),
      {
        threshold: settings.projectorLagAlarmSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );
    alarm(
      'DatabaseCpuHigh',
      'The database CPU stayed above 80% for 15 minutes',
      parts.database.metricCPUUtilization({ period: Duration.minutes(5), statistic: 'Average' }),
      {
        threshold: 80,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );
    alarm(
      'DatabaseStorageLow',
      'Less than 2 GiB of database storage is free (storage autoscaling may be at its maximum)',
      parts.database.metricFreeStorageSpace({ period: Duration.minutes(5), statistic: 'Minimum' }),
      {
        threshold: 2 * 1024 ** 3,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
    if (parts.fetch) {
      alarm(
        'DownloadFailed',
        'The daily download failed: the URL gave no readable export (HRSA may have moved it; docs/cloud.md)',
        parts.fetch.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${namespace}-overview`,
      defaultInterval: Duration.days(14),
    });
    const daily = Duration.days(1);
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...extra });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      graph(
        'Entities per day',
        ['Registered', 'Changed', 'Removed', 'Skipped', 'DataQualityProblems'].map((name) =>
          figure(name, 'Sum', daily),
        ),
      ),
      graph('Snapshots applied, refused, out of order', [
        figure('SnapshotsApplied', 'Sum', daily),
        figure('MassChangeRefused', 'Sum', daily),
        figure('ExportsOutOfOrder', 'Sum', daily),
        ...(parts.fetch ? [figure('FetchStored', 'Sum', daily), figure('FetchFailed', 'Sum', daily)] : []),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Ingest duration (ms) against 80% of the timeout', [figure('IngestDuration', 'Maximum', daily)], {
        leftAnnotations: [{ value: parts.ingestTimeout.toMilliseconds() * 0.8, label: '80% of timeout' }],
      }),
      graph('Export size (bytes)', [figure('SnapshotBytes', 'Maximum', daily)]),
    );
    this.dashboard.addWidgets(
      graph('Projectors: lag (s) and stopped', [figure('ProjectorLagSeconds', 'Maximum')], {
        right: [figure('ProjectorsStopped', 'Maximum')],
      }),
      graph(
        'Lambda errors and dead letters',
        [parts.ingest.metricErrors(), ...(parts.fetch ? [parts.fetch.metricErrors()] : [])],
        { right: [parts.deadLetterQueue.metricApproximateNumberOfMessagesVisible()] },
      ),
    );
    this.dashboard.addWidgets(
      graph('Database CPU (%)', [parts.database.metricCPUUtilization()]),
      graph('Database free storage (bytes)', [parts.database.metricFreeStorageSpace()]),
    );
  }
}
