import { CfnOutput, Duration, aws_lambda as lambda, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiService } from './api-service.ts';
import { DailyFetch } from './daily-fetch.ts';
import { Database } from './database.ts';
import { IngestPipeline } from './ingest-pipeline.ts';
import { Network } from './network.ts';
import { Observability } from './observability.ts';
import type { OpaisSettings } from './settings.ts';
import { SnapshotBucket } from './snapshot-bucket.ts';

export interface OpaisStackProps extends StackProps {
  settings: OpaisSettings;
  /** dist/lambda/handler.zip from `npm run build:lambda`. */
  lambdaZip: string;
}

/** opais-changelog on AWS: see docs/cloud.md for what each part does and costs. */
export class OpaisStack extends Stack {
  readonly parts: {
    network: Network;
    database: Database;
    bucket: SnapshotBucket;
    ingest: IngestPipeline;
    fetch: DailyFetch | undefined;
    observability: Observability;
    api: ApiService | undefined;
  };

  constructor(scope: Construct, id: string, props: OpaisStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const code = lambda.Code.fromAsset(props.lambdaZip);
    const network = new Network(this, 'Network', settings);
    const database = new Database(this, 'Database', network, settings);
    const bucket = new SnapshotBucket(this, 'Snapshots', settings);
    const ingest = new IngestPipeline(this, 'Ingest', { settings, code, network, database, bucket });
    const fetchUrl = settings.fetchUrl;
    const fetch = fetchUrl
      ? new DailyFetch(this, 'DailyFetch', {
          settings: { ...settings, fetchUrl },
          code,
          network,
          database,
          bucket,
          deadLetterQueue: ingest.deadLetterQueue,
        })
      : undefined;
    const observability = new Observability(this, 'Observability', settings, {
      ingest: ingest.function,
      ingestTimeout: Duration.seconds(settings.ingestTimeoutSeconds),
      deadLetterQueue: ingest.deadLetterQueue,
      database: database.instance,
      fetch: fetch?.function,
    });
    const api = settings.apiService
      ? new ApiService(this, 'Service', { settings, network, database })
      : undefined;
    this.parts = { network, database, bucket, ingest, fetch, observability, api };

    new CfnOutput(this, 'SnapshotBucketName', {
      value: bucket.bucket.bucketName,
      description: `Put exports under s3://<bucket>/${settings.snapshotPrefix}`,
    });
    new CfnOutput(this, 'DatabaseSecretArn', { value: database.instance.secret?.secretArn ?? '' });
    new CfnOutput(this, 'DatabaseEndpoint', { value: database.instance.dbInstanceEndpointAddress });
    new CfnOutput(this, 'IngestFunctionName', { value: ingest.function.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: observability.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: observability.dashboard.dashboardName });
    if (api) new CfnOutput(this, 'ApiUrl', { value: `http://${api.api.loadBalancer.loadBalancerDnsName}` });
  }
}
