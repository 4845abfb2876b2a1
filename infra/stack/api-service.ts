import { fileURLToPath } from 'node:url';
import {
  Duration,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_logs as logs,
  aws_ecs_patterns as patterns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Database } from './database.ts';
import type { Network } from './network.ts';
import type { OpaisSettings } from './settings.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Optional (`apiService=true`): the change-feed API (`opais serve`) behind
 * an internal Application Load Balancer, and one projector (`opais project
 * --follow`), on ECS Fargate in the private subnets. The image is
 * `apiImage`, or the repository's Dockerfile built and pushed by `cdk
 * deploy`. Both log JSON lines (pino) to CloudWatch Logs.
 */
export class ApiService extends Construct {
  readonly api: patterns.ApplicationLoadBalancedFargateService;
  readonly projector: ecs.FargateService;

  constructor(
    scope: Construct,
    id: string,
    props: { settings: OpaisSettings; network: Network; database: Database },
  ) {
    super(scope, id);
    const { settings, network, database } = props;
    const secret = database.instance.secret;
    if (!secret) throw new Error('the database has no generated secret');
    const image = settings.apiImage
      ? ecs.ContainerImage.fromRegistry(settings.apiImage)
      : ecs.ContainerImage.fromAsset(repositoryRoot, {
          exclude: ['cdk.out', 'node_modules', 'dist', '.opais', 'bench/data'],
        });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: network.vpc });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
    // The password comes from the secret into PGPASSWORD; the rest of the connection is not secret.
    // TLS without verifying RDS's CA: the image carries no RDS certificate bundle (docs/cloud.md).
    const environment = {
      DATABASE_URL: `postgres://opais@${database.instance.dbInstanceEndpointAddress}:${database.instance.dbInstanceEndpointPort}/opais?sslmode=no-verify`,
      OPAIS_SCHEMA: settings.schema,
      LOG_LEVEL: 'info',
    };
    const secrets = { PGPASSWORD: ecs.Secret.fromSecretsManager(secret, 'password') };

    this.api = new patterns.ApplicationLoadBalancedFargateService(this, 'Api', {
      cluster,
      publicLoadBalancer: false,
      taskSubnets: network.workloadSubnets,
      desiredCount: 1,
      cpu: 512,
      memoryLimitMiB: 1024,
      taskImageOptions: {
        image,
        containerPort: 3000,
        command: ['serve', '--host', '0.0.0.0', '--port', '3000'],
        environment,
        secrets,
        logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'api' }),
      },
      healthCheckGracePeriod: Duration.minutes(2),
    });
    this.api.targetGroup.configureHealthCheck({ path: '/health' });

    const projectorTask = new ecs.FargateTaskDefinition(this, 'ProjectorTask', {
      cpu: 1024,
      memoryLimitMiB: 2048,
    });
    projectorTask.addContainer('projector', {
      image,
      command: ['project', '--follow', '--metrics-port', '9464', '--metrics-host', '0.0.0.0'],
      environment: { ...environment, OPAIS_HEALTHCHECK_URL: 'http://127.0.0.1:9464/metrics' },
      secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'projector' }),
    });
    const projectorGroup = new ec2.SecurityGroup(this, 'ProjectorSecurityGroup', {
      vpc: network.vpc,
      description: 'opais-changelog projector',
    });
    this.projector = new ecs.FargateService(this, 'Projector', {
      cluster,
      taskDefinition: projectorTask,
      desiredCount: 1,
      vpcSubnets: network.workloadSubnets,
      securityGroups: [projectorGroup],
      // One projector at a time: a replacement starts only after the old one stopped.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
    });
    for (const service of [this.api.service, this.projector]) {
      database.instance.connections.allowDefaultPortFrom(service, 'opais-changelog API and projector');
    }
  }
}
