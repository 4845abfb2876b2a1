import { Duration, aws_ec2 as ec2, RemovalPolicy, aws_rds as rds } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Network } from './network.ts';
import type { OpaisSettings } from './settings.ts';

/** The PostgreSQL major version the stack runs (the newest RDS offers). */
export const postgresVersion = rds.PostgresEngineVersion.VER_18_3;

/**
 * RDS PostgreSQL: private (isolated subnets, no public address), encrypted
 * at rest, automated backups kept 7 days, deletion protection on and a
 * final snapshot if the stack is ever deleted, the credentials generated
 * into Secrets Manager (`{username, password, host, port, dbname}`, the
 * shape the Lambdas read). Minor versions upgrade themselves in the
 * maintenance window.
 */
export class Database extends Construct {
  readonly instance: rds.DatabaseInstance;

  constructor(scope: Construct, id: string, network: Network, settings: OpaisSettings) {
    super(scope, id);
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: postgresVersion }),
      instanceType: new ec2.InstanceType(settings.databaseInstanceType.replace(/^db\./, '')),
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      publiclyAccessible: false,
      multiAz: false,
      storageEncrypted: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: settings.databaseStorageGiB,
      maxAllocatedStorage: settings.databaseMaxStorageGiB,
      databaseName: 'opais',
      credentials: rds.Credentials.fromGeneratedSecret('opais', {
        // Characters that would need escaping in a connection string or a shell.
        excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
      }),
      backupRetention: Duration.days(7),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      // The event log is append-only and read by the projectors; CPU and storage alarms watch the rest.
      enablePerformanceInsights: false,
    });
  }
}
