import {
  type Duration,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  type Size,
  Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { nodeOptions, processEnvironment } from '../../src/node-options.ts';
import type { Database } from './database.ts';
import type { Network } from './network.ts';

export interface OpaisFunctionProps {
  /** `index.handler` or `index.fetchHandler` in the bundle of `npm run build:lambda`. */
  handler: string;
  code: lambda.Code;
  description: string;
  memoryMiB: number;
  timeout: Duration;
  ephemeralStorage?: Size;
  environment: Record<string, string>;
  network: Network;
  database: Database;
}

/**
 * One of the stack's Lambdas: the bundle on Node.js 24, in the private
 * subnets with its own security group (let into the database), one
 * invocation at a time, its own log group, and a role that may do exactly:
 * write to that log group, read the database secret, and manage the network
 * interfaces Lambda needs in a VPC. The caller adds the bucket permissions.
 */
export class OpaisFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OpaisFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        // What AWSLambdaVPCAccessExecutionRole grants, without its logs:* on every log group. EC2's Describe
        // actions take no resource, and the interfaces do not exist before Lambda creates them.
        resources: ['*'],
      }),
    );
    const secret = props.database.instance.secret;
    if (!secret) throw new Error('the database has no generated secret');
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.network.vpc,
      description: `${props.description} (egress only)`,
      allowAllOutbound: true,
    });
    props.database.instance.connections.allowDefaultPortFrom(securityGroup, props.description);

    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      handler: props.handler,
      code: props.code,
      role: this.role,
      memorySize: props.memoryMiB,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorage,
      reservedConcurrentExecutions: 1,
      vpc: props.network.vpc,
      vpcSubnets: props.network.workloadSubnets,
      securityGroups: [securityGroup],
      logGroup: this.logGroup,
      environment: {
        OPAIS_DATABASE_SECRET_ARN: secret.secretArn,
        OPAIS_METRICS_NAMESPACE: Stack.of(this).stackName,
        // RDS certificates are in the runtime's CA bundle, which Node.js loads only when asked.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        PGSSLMODE: 'verify-full',
        NODE_OPTIONS: ['--enable-source-maps', ...nodeOptions].join(' '),
        ...processEnvironment,
        ...props.environment,
      },
    });
  }
}
