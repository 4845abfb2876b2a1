import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/snapshot-fixtures.ts';
import { buildLambda } from '../build-lambda.ts';
import { readSettings } from './settings.ts';
import { type SynthesizedStack, synthesizeStack } from './synthesize-stack.ts';

/**
 * No Allow statement names an action by wildcard (a Deny may: the TLS-only bucket policy denies s3:*), and
 * `Resource: "*"` appears only with actions that have no resource to name.
 */
function expectLeastPrivilege(template: Record<string, unknown>, resourceWildcardActions: RegExp) {
  const allows = statementsOf(template).filter((statement) => statement.Effect === 'Allow');
  expect(allows.length).toBeGreaterThan(5);
  for (const statement of allows) {
    const actions = [statement.Action ?? []].flat() as string[];
    for (const action of actions) expect(action, JSON.stringify(statement)).not.toContain('*');
    if ([statement.Resource].flat().includes('*')) {
      for (const action of actions)
        expect(action, JSON.stringify(statement)).toMatch(resourceWildcardActions);
    }
  }
}

const fetchUrl = 'https://example.org/OPA_CE_DAILY_PUBLIC.JSON';
const resourcesOf = (template: Template, type: string) => Object.entries(template.findResources(type));

/** Every IAM statement of the template, wherever it is (roles' inline policies, policies, resource policies). */
function statementsOf(template: Record<string, unknown>): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (Array.isArray(record.Statement))
        found.push(...(record.Statement as Array<Record<string, unknown>>));
      else Object.values(record).forEach(visit);
    }
  };
  visit(template.Resources);
  return found;
}

describe('the CDK stack (defaults, with the daily download)', () => {
  let synthesized: SynthesizedStack;
  let template: Template;
  let zip: string;

  beforeAll(async () => {
    ({ zip } = await buildLambda(path.join(tempDir('opais-cdk-'), 'lambda')));
    synthesized = synthesizeStack(
      { fetchUrl, alarmEmail: 'ops@example.org' },
      zip,
      path.join(tempDir('opais-cdk-'), 'cdk.out'),
    );
    template = Template.fromStack(synthesized.stack);
  });

  it('routes "Object Created" under the prefix of its own bucket to the ingest Lambda, with a DLQ', () => {
    const [bucketId] = resourcesOf(template, 'AWS::S3::Bucket')[0] ?? [];
    const [ingestId] =
      resourcesOf(template, 'AWS::Lambda::Function').find(
        ([, fn]) => fn.Properties.Handler === 'index.handler',
      ) ?? [];
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: bucketId }] }, object: { key: [{ prefix: 'daily/' }] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [ingestId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetters'), 'Arn'] } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ingestId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
    });
  });

  it('downloads daily on a schedule in the configured time zone, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DailyFetchFunction'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetters'), 'Arn'] } },
      }),
    });
    const other = synthesizeStack(
      { fetchUrl, fetchTime: { hour: 23, minute: 30 }, fetchTimeZone: 'UTC' },
      zip,
      path.join(tempDir('opais-cdk-'), 'cdk.out'),
    );
    Template.fromStack(other.stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 23 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
    });
  });

  it('runs both functions on Node.js 24 in the private subnets, one at a time, with their settings', () => {
    const privateSubnets = resourcesOf(template, 'AWS::EC2::Subnet')
      .filter(([id]) => /private/i.test(id))
      .map(([id]) => ({ Ref: id }));
    expect(privateSubnets).toHaveLength(2);
    const functions = resourcesOf(template, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties);
    expect(functions.map((fn) => fn.Handler).sort()).toEqual(['index.fetchHandler', 'index.handler']);
    for (const fn of functions) {
      expect(fn).toMatchObject({
        Runtime: 'nodejs24.x',
        ReservedConcurrentExecutions: 1,
        VpcConfig: { SubnetIds: expect.arrayContaining(privateSubnets) },
        Environment: {
          Variables: {
            OPAIS_DATABASE_SECRET_ARN: { Ref: expect.stringMatching(/SecretAttachment/) },
            OPAIS_SCHEMA: 'opais',
            OPAIS_METRICS_NAMESPACE: 'opais-changelog',
            PGSSLMODE: 'verify-full',
            NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
          },
        },
      });
      expect(fn.VpcConfig.SubnetIds).toHaveLength(2);
    }
    const ingest = functions.find((fn) => fn.Handler === 'index.handler');
    expect(ingest).toMatchObject({
      MemorySize: 1769,
      Timeout: 900,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] } },
      Environment: {
        Variables: {
          OPAIS_SNAPSHOT_PREFIX: 'daily/',
          OPAIS_MAX_REMOVAL_RATIO: '0.05',
          OPAIS_MAX_CHANGE_RATIO: '0.25',
        },
      },
    });
    const fetcher = functions.find((fn) => fn.Handler === 'index.fetchHandler');
    expect(fetcher).toMatchObject({
      EphemeralStorage: { Size: 2048 },
      Environment: {
        Variables: {
          OPAIS_FETCH_URL: fetchUrl,
          OPAIS_FETCH_TO: {
            'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/Bucket/) }, '/daily/']],
          },
        },
      },
    });
  });

  it('keeps the database private, encrypted, backed up and protected, with a generated secret', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: Match.stringLikeRegexp('^18\\.'),
      DBInstanceClass: 'db.t4g.micro',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
      MasterUserPassword: Match.anyValue(),
    });
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"opais"}' }),
    });
    // In the isolated subnets: no route to or from the internet.
    const isolated = resourcesOf(template, 'AWS::EC2::Subnet')
      .filter(([id]) => /database/i.test(id))
      .map(([id]) => ({ Ref: id }));
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated });
    const routes = resourcesOf(template, 'AWS::EC2::Route').map(([, route]) => JSON.stringify(route));
    expect(routes.filter((route) => /database/i.test(route))).toEqual([]);
  });

  it('archives exports after 90 days and never deletes them; the bucket is private, versioned, TLS-only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'archive-raw-exports',
            Prefix: 'daily/',
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
          },
        ],
      },
    });
    const rules = JSON.stringify(template.findResources('AWS::S3::Bucket'));
    expect(rules).not.toMatch(/Expiration/);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('sends every alarm to the topic, which e-mails the given address', () => {
    const [topicId] = resourcesOf(template, 'AWS::SNS::Topic')[0] ?? [];
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: { Ref: topicId },
    });
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id.replace(/^Observability|[0-9A-F]{8}$/g, '')).sort()).toEqual([
      'DatabaseCpuHigh',
      'DatabaseStorageLow',
      'DeadLettersWaiting',
      'DownloadFailed',
      'ExportsOutOfOrder',
      'IngestFailed',
      'IngestNearTimeout',
      'MassChangeRefused',
      'NoSnapshotApplied',
      'ProjectorLagging',
      'ProjectorStopped',
    ]);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    const byName = (name: string) => alarms.find(([id]) => id.includes(name))?.[1].Properties;
    expect(byName('IngestNearTimeout')).toMatchObject({ Threshold: 720_000, MetricName: 'Duration' });
    expect(byName('NoSnapshotApplied')).toMatchObject({
      Namespace: 'opais-changelog',
      MetricName: 'SnapshotsApplied',
      Period: 3600,
      EvaluationPeriods: 36,
      DatapointsToAlarm: 36,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(byName('ExportsOutOfOrder')).toMatchObject({ Namespace: 'opais-changelog', Threshold: 1 });
  });

  it('has a dashboard showing every alarm and the Lambdas’ figures', () => {
    const [, dashboard] = resourcesOf(template, 'AWS::CloudWatch::Dashboard')[0] ?? [];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const [id] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) expect(body).toContain(id);
    for (const figure of [
      'Registered',
      'Changed',
      'Removed',
      'Skipped',
      'DataQualityProblems',
      'SnapshotBytes',
      'IngestDuration',
      'ProjectorLagSeconds',
      'ExportsOutOfOrder',
    ]) {
      expect(body).toContain(`\\"${figure}\\"`);
    }
  });

  it('allows no action by wildcard, and a resource wildcard only for EC2 network interfaces', () => {
    expectLeastPrivilege(synthesized.template, /^ec2:/);
    const roles = resourcesOf(template, 'AWS::IAM::Role').map(([, role]) => role.Properties);
    for (const role of roles) expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('matches the reviewed template (asset hashes aside); update with `npx vitest run -u` after reviewing', async () => {
    const text = JSON.stringify(synthesized.template, null, 2).replace(
      /[0-9a-f]{64}\.zip/g,
      '<lambda bundle>.zip',
    );
    await expect(text).toMatchFileSnapshot('./__snapshots__/opais-changelog.template.json');
  });

  it.skipIf(spawnSync('cfn-lint', ['--version']).status !== 0)('passes cfn-lint', () => {
    const file = path.join(tempDir('opais-cfn-lint-'), 'template.json');
    writeFileSync(file, JSON.stringify(synthesized.template));
    // W3005: CDK's explicit DependsOn on a role's policy, which a GetAtt also implies; harmless.
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', file], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});

describe('the CDK stack with other settings', () => {
  let zip: string;
  const synthesize = (context: Record<string, string>) =>
    Template.fromStack(
      synthesizeStack(
        readSettings((key) => context[key]),
        zip,
        path.join(tempDir('opais-cdk-'), 'cdk.out'),
      ).stack,
    );

  beforeAll(async () => {
    ({ zip } = await buildLambda(path.join(tempDir('opais-cdk-'), 'lambda')));
  });

  it('uses an existing VPC by id: no VPC, NAT or subnets created; the S3 endpoint on its route tables', () => {
    const template = synthesize({
      vpcId: 'vpc-0123456789abcdef0',
      privateSubnetIds: 'subnet-aaaa,subnet-bbbb',
      availabilityZones: 'us-east-1a,us-east-1b',
      privateRouteTableIds: 'rtb-aaaa,rtb-bbbb',
      databaseInstanceType: 'db.t4g.small',
    });
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 0);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcId: 'vpc-0123456789abcdef0',
      RouteTableIds: ['rtb-aaaa', 'rtb-bbbb'],
      VpcEndpointType: 'Gateway',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: Match.objectLike({ SubnetIds: ['subnet-aaaa', 'subnet-bbbb'] }),
    });
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: ['subnet-aaaa', 'subnet-bbbb'] });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.t4g.small' });
  });

  it('runs the API and a projector on Fargate behind an internal load balancer when asked', () => {
    const template = synthesize({ apiService: 'true', apiImage: 'ghcr.io/example/opais-changelog:1.0.0' });
    expectLeastPrivilege(template.toJSON(), /^ec2:/);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health',
    });
    template.resourceCountIs('AWS::ECS::Service', 2);
    const commands = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map(
      (task) => task.Properties.ContainerDefinitions[0].Command,
    );
    expect(commands).toEqual(
      expect.arrayContaining([
        ['serve', '--host', '0.0.0.0', '--port', '3000'],
        ['project', '--follow', '--metrics-port', '9464', '--metrics-host', '0.0.0.0'],
      ]),
    );
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Image: 'ghcr.io/example/opais-changelog:1.0.0',
          Secrets: [Match.objectLike({ Name: 'PGPASSWORD' })],
        }),
      ],
    });
  });

  it('refuses settings it cannot use, naming them', () => {
    expect(() => readSettings((key) => ({ vpcId: 'vpc-1' })[key])).toThrow(/privateSubnetIds/);
    expect(() => readSettings((key) => ({ fetchTime: '6am' })[key])).toThrow(/fetchTime must be HH:MM/);
    expect(() => readSettings((key) => ({ ingestMemoryMiB: '100' })[key])).toThrow(
      /ingestMemoryMiB must be a number from 512/,
    );
    expect(() => readSettings((key) => ({ databaseInstanceType: 't4g.micro' })[key])).toThrow(
      /db\.t4g\.micro/,
    );
    expect(() => readSettings((key) => ({ apiService: 'yes' })[key])).toThrow(
      /apiService must be true or false/,
    );
  });
});
