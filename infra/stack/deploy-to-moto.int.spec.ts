import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open-database.ts';
import { createS3Client } from '../../src/source/s3-client.ts';
import { extractZip } from '../../test/support/extract-zip.ts';
import { type MotoServer, motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { snapshotJson } from '../../test/support/s3-fixtures.ts';
import { coveredEntities, tempDir } from '../../test/support/snapshot-fixtures.ts';
import { takeMessage as takeFrom } from '../../test/support/take-message.ts';
import { createTestDatabase, testDatabaseUrl } from '../../test/support/test-database.ts';
import { buildLambda } from '../build-lambda.ts';
import { synthesizeStack } from './synthesize-stack.ts';

const run = promisify(execFile);
const account = '123456789012';
const region = 'us-east-1';
const stackName = 'opais-changelog';

/**
 * Resource types in the template that moto's CloudFormation cannot create (moto 5.2 logs "No Moto
 * CloudFormation support" and leaves them out, breaking what refers to them), so the test leaves them
 * out itself, saying why, and gives what refers to them a value:
 */
const notDeployed: Record<string, string> = {
  'AWS::SecretsManager::Secret':
    'no Secrets Manager in moto CloudFormation: the test creates the secret through the API, holding the local PostgreSQL\u2019s address as RDS would',
  'AWS::SecretsManager::SecretTargetAttachment': 'as above (it adds the database address to the secret)',
  'AWS::CloudWatch::Alarm':
    'not supported; the alarms and their topic are checked by opais-stack.unit.spec.ts',
  'AWS::Scheduler::Schedule':
    'not supported; the test invokes the fetch function as the schedule would (the schedule itself: unit spec)',
  'AWS::Lambda::EventInvokeConfig': 'not supported (Lambda\u2019s own retries; unit spec)',
  'AWS::S3::BucketPolicy': 'resource policies are not supported (nor enforced by moto)',
  'AWS::SQS::QueuePolicy': 'as above',
  'AWS::SNS::TopicPolicy': 'as above',
  'AWS::SNS::Subscription': 'not supported (the e-mail subscription; unit spec)',
};

type Template = {
  Parameters?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }
  >;
  Outputs?: Record<string, unknown>;
};

/** The template without `notDeployed` types; a Ref or GetAtt of one becomes `standIn(logicalId, type)`. */
function forMoto(template: Template, standIn: (logicalId: string, type: string) => string): Template {
  const removed = new Map(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type in notDeployed)
      .map(([id, resource]) => [id, resource.Type]),
  );
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(substitute);
    if (!value || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const ref = record.Ref as string | undefined;
    const getAtt = (record['Fn::GetAtt'] as string[] | undefined)?.[0];
    const target = ref ?? getAtt;
    if (Object.keys(record).length === 1 && target && removed.has(target)) {
      return standIn(target, removed.get(target) as string);
    }
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, substitute(inner)]));
  };
  const resources = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([id]) => !removed.has(id))
      .map(([id, resource]) => {
        const dependsOn = [resource.DependsOn ?? []].flat().filter((name) => !removed.has(name));
        const { DependsOn: _dependsOn, ...rest } = resource;
        return [
          id,
          { ...(substitute(rest) as object), ...(dependsOn.length ? { DependsOn: dependsOn } : {}) },
        ];
      }),
  );
  // The CDK bootstrap version check reads an SSM parameter of the bootstrap stack; this account has only the
  // bootstrap's asset bucket, which the test creates.
  const { Parameters: _parameters, Rules: _rules, ...rest } = template;
  return {
    ...rest,
    Resources: resources,
    Outputs: substitute(template.Outputs) as Template['Outputs'],
  } as Template;
}

/**
 * `cdk deploy` against moto_server: the synthesized template and its assets are published as the CDK CLI
 * publishes them (to the bootstrap asset bucket), the stack is created through moto's CloudFormation API,
 * and then the real trigger path runs on what the stack created: an export put into the created bucket
 * makes an "Object Created" event that the created rule matches (routed to an SQS queue added to the rule,
 * since moto cannot run a Lambda target without Docker); the Lambda code the stack was created from
 * (downloaded from the asset bucket) is run in plain node with the created function's environment, and
 * ingests into the local PostgreSQL. The daily download runs the same way: the created fetch function's
 * code and environment, pointed at a local web server, puts an export into the bucket, which triggers the ingest.
 */
describe.skipIf(motoUnavailableReason())('the stack deployed into moto, and its trigger path', () => {
  let moto: MotoServer;
  let database: Database;
  let s3: S3Client;
  let sqs: SQSClient;
  let site: Server;
  let queueUrl: string;
  let task: string;
  const created = new Map<string, StackResourceSummary>();
  const exportBody = snapshotJson(coveredEntities(12));
  /** The next day's export, on the web server the daily download reads. */
  const publishedBody = snapshotJson(coveredEntities(13));
  let functionEnv: (handler: string) => Promise<Record<string, string>>;
  const physicalId = (type: string, pattern: RegExp) => {
    const found = [...created.values()].find(
      (resource) => resource.ResourceType === type && pattern.test(resource.LogicalResourceId ?? ''),
    );
    if (!found?.PhysicalResourceId) throw new Error(`no ${type} ${pattern} in the stack`);
    return found.PhysicalResourceId;
  };

  async function invoke(handler: 'handler' | 'fetchHandler', event: unknown, env: Record<string, string>) {
    const script = `
      const handlers = await import(process.argv[1]);
      const result = await handlers[process.argv[2]](JSON.parse(process.argv[3]), { awsRequestId: 'moto-deploy' });
      process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
      process.exit(0);
    `;
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, path.join(task, 'index.mjs'), handler, JSON.stringify(event)],
      { env: { PATH: process.env.PATH, ...env }, cwd: task },
    );
    const line = stdout.split('\n').find((text) => text.startsWith('RESULT ')) as string;
    return {
      result: JSON.parse(line.slice('RESULT '.length)),
      logs: stdout
        .split('\n')
        .filter((text) => text.startsWith('{'))
        .map((text) => JSON.parse(text)),
    };
  }

  const takeMessage = () => takeFrom(sqs, queueUrl, 20);

  beforeAll(async () => {
    moto = await startMotoServer();
    Object.assign(process.env, moto.env);
    database = await createTestDatabase('moto_deploy');
    const aws = {
      endpoint: moto.endpoint,
      region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    s3 = createS3Client(moto.env);
    sqs = new SQSClient(aws);
    const cloudFormation = new CloudFormationClient(aws);
    const lambda = new LambdaClient(aws);

    site = createServer((request, response) => {
      if (request.url === '/OPA_CE_DAILY_PUBLIC.JSON') response.end(publishedBody);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));

    const { zip } = await buildLambda(path.join(tempDir('opais-moto-deploy-'), 'lambda'));
    const synthesized = synthesizeStack(
      {
        schema: database.schema,
        fetchUrl: `http://127.0.0.1:${(site.address() as AddressInfo).port}/OPA_CE_DAILY_PUBLIC.JSON`,
      },
      zip,
      path.join(tempDir('opais-moto-deploy-'), 'cdk.out'),
      stackName,
    );

    // What `cdk deploy` publishes first: each file asset into the bootstrap bucket.
    const assetBucket = `cdk-hnb659fds-assets-${account}-${region}`;
    await s3.send(new CreateBucketCommand({ Bucket: assetBucket }));
    const manifest = JSON.parse(
      readFileSync(path.join(synthesized.outdir, synthesized.assetsManifest), 'utf8'),
    );
    for (const asset of Object.values(manifest.files) as Array<{
      source: { path: string };
      destinations: Record<string, { objectKey: string }>;
    }>) {
      for (const destination of Object.values(asset.destinations)) {
        await s3.send(
          new PutObjectCommand({
            Bucket: assetBucket,
            Key: destination.objectKey,
            Body: readFileSync(path.join(synthesized.outdir, asset.source.path)),
          }),
        );
      }
    }

    // The database secret as RDS leaves it after the attachment: the credentials and the address.
    const url = new URL(testDatabaseUrl);
    const secret = await new SecretsManagerClient(aws).send(
      new CreateSecretCommand({
        Name: 'opais-changelog/database',
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
    const template = forMoto(synthesized.template as Template, (logicalId, type) =>
      type.startsWith('AWS::SecretsManager::')
        ? (secret.ARN as string)
        : `arn:aws:cloudwatch:${region}:${account}:alarm:${logicalId}`,
    );
    const templateFile = path.join(synthesized.outdir, 'moto.template.json');
    await writeFile(templateFile, JSON.stringify(template));
    await s3.send(
      new PutObjectCommand({
        Bucket: assetBucket,
        Key: 'moto.template.json',
        Body: readFileSync(templateFile),
      }),
    );
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateURL: `https://${assetBucket}.s3.${region}.amazonaws.com/moto.template.json`,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    let status: string | undefined;
    for (let attempt = 0; attempt < 120 && (!status || status.endsWith('_IN_PROGRESS')); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      status = Stacks?.[0]?.StackStatus;
    }
    expect(status).toBe('CREATE_COMPLETE');
    const { StackResourceSummaries } = await cloudFormation.send(
      new ListStackResourcesCommand({ StackName: stackName }),
    );
    for (const resource of StackResourceSummaries ?? [])
      created.set(resource.LogicalResourceId as string, resource);

    // moto's CloudFormation creates the bucket but applies none of these properties: apply the template's own.
    const bucketProperties = Object.values(synthesized.template.Resources as Template['Resources']).find(
      (resource) => resource.Type === 'AWS::S3::Bucket',
    )?.Properties as { VersioningConfiguration: { Status: 'Enabled' } };
    const bucket = physicalId('AWS::S3::Bucket', /^Snapshots/);
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: bucketProperties.VersioningConfiguration.Status },
      }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );

    // The created rule gets a queue as a target beside its Lambda target. moto's EventBridge cannot deliver to
    // a Lambda (it raises NotImplementedError and stops at that target), so the queue goes first and the
    // Lambda target is put back, unchanged, after it.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'rule-deliveries' }));
    queueUrl = QueueUrl as string;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const eventBridge = new EventBridgeClient(aws);
    const rule = physicalId('AWS::Events::Rule', /SnapshotCreated/);
    const { Targets: createdTargets = [] } = await eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: rule }),
    );
    await eventBridge.send(
      new RemoveTargetsCommand({ Rule: rule, Ids: createdTargets.map((target) => target.Id as string) }),
    );
    await eventBridge.send(
      new PutTargetsCommand({
        Rule: rule,
        Targets: [{ Id: 'test-queue', Arn: Attributes?.QueueArn as string }],
      }),
    );
    await eventBridge.send(new PutTargetsCommand({ Rule: rule, Targets: createdTargets }));

    // The code the functions were created from, unpacked as Lambda unpacks it.
    const code = Object.values(synthesized.template.Resources as Template['Resources']).find(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    )?.Properties?.Code as { S3Key: string };
    const object = await s3.send(new GetObjectCommand({ Bucket: assetBucket, Key: code.S3Key }));
    const zipFile = path.join(tempDir('opais-moto-deploy-'), 'code.zip');
    await writeFile(
      zipFile,
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    task = tempDir('opais-moto-task-');
    await extractZip(zipFile, task);

    functionEnv = async (logicalIdPattern) => {
      const configuration = await lambda.send(
        new GetFunctionConfigurationCommand({
          FunctionName: physicalId('AWS::Lambda::Function', new RegExp(logicalIdPattern)),
        }),
      );
      return {
        ...(configuration.Environment?.Variables ?? {}),
        ...moto.env,
        // The local PostgreSQL has no TLS (RDS has, and the stack asks for verify-full).
        PGSSLMODE: 'disable',
      };
    };
  }, 240_000);

  afterAll(async () => {
    site?.closeAllConnections();
    await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
    await database?.close();
    await moto?.stop();
  });

  it('created what moto supports: network, database, bucket, queue, functions, rule, topic, dashboard', () => {
    const types = new Set([...created.values()].map((resource) => resource.ResourceType));
    for (const type of [
      'AWS::EC2::VPC',
      'AWS::EC2::NatGateway',
      'AWS::EC2::VPCEndpoint',
      'AWS::RDS::DBInstance',
      'AWS::S3::Bucket',
      'AWS::SQS::Queue',
      'AWS::Lambda::Function',
      'AWS::Events::Rule',
      'AWS::SNS::Topic',
      'AWS::CloudWatch::Dashboard',
      'AWS::IAM::Role',
    ]) {
      expect(types, type).toContain(type);
    }
    for (const resource of created.values()) expect(resource.ResourceStatus).toBe('CREATE_COMPLETE');
    for (const type of Object.keys(notDeployed)) expect(types).not.toContain(type);
  });

  it('the created rule targets the created ingest function', async () => {
    const aws = {
      endpoint: moto.endpoint,
      region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    const { Targets } = await new EventBridgeClient(aws).send(
      new ListTargetsByRuleCommand({ Rule: physicalId('AWS::Events::Rule', /SnapshotCreated/) }),
    );
    const ingest = physicalId('AWS::Lambda::Function', /^IngestFunction/);
    expect(Targets?.map((target) => target.Arn)).toEqual(
      expect.arrayContaining([expect.stringContaining(`function:${ingest}`)]),
    );
  });

  it('an export put into the created bucket is routed by the created rule and ingested by the deployed code', async () => {
    const bucket = physicalId('AWS::S3::Bucket', /^Snapshots/);
    // Outside the prefix: the rule does not match it.
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere/OPA_CE_DAILY_PUBLIC.JSON', Body: exportBody }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'daily/OPA_CE_DAILY_PUBLIC_2026-11-26.JSON',
        Body: exportBody,
      }),
    );
    const event = await takeMessage();
    expect(event).toMatchObject({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: bucket }, object: { key: 'daily/OPA_CE_DAILY_PUBLIC_2026-11-26.JSON' } },
    });

    const { result, logs } = await invoke('handler', event, await functionEnv('^IngestFunction'));
    expect(result.objects).toEqual([
      expect.objectContaining({ status: 'applied', asOf: '2026-11-26T00:00:00.000Z', registered: 12 }),
    ]);
    expect(logs.find((line) => line._aws)).toMatchObject({
      _aws: { CloudWatchMetrics: [expect.objectContaining({ Namespace: stackName })] },
      SnapshotsApplied: 1,
      Registered: 12,
    });
    const { rows } = await database.pool.query<{ count: number }>(
      "select count(*)::int as count from dim_ce where current_version_flg = 'Y'",
    );
    expect(rows[0]?.count).toBe(12);
  });

  it('the daily download stores a dated export in the created bucket, which the rule routes to the ingest', async () => {
    const { result } = await invoke('fetchHandler', {}, await functionEnv('^DailyFetchFunction'));
    expect(result).toMatchObject({ status: 'stored', elements: 13 });
    const event = await takeMessage();
    const key = (event.detail as { object: { key: string } }).object.key;
    expect(key).toMatch(/^daily\/OPA_CE_DAILY_PUBLIC_\d{8}T\d{6}Z\.JSON$/);
    const { result: ingested } = await invoke('handler', event, await functionEnv('^IngestFunction'));
    expect(ingested.objects).toEqual([
      expect.objectContaining({ status: 'applied', asOfFrom: 'key', registered: 1, changed: 0, removed: 0 }),
    ]);
  });
});
