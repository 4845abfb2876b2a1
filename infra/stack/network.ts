import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { OpaisSettings } from './settings.ts';

/**
 * The VPC: private subnets for the Lambdas (and the API tasks), isolated
 * subnets for the database, an S3 gateway endpoint (free; the exports never
 * cross the NAT) and one NAT gateway. Why a NAT gateway and not interface
 * endpoints: the daily download must reach HRSA's site on the internet,
 * which no endpoint offers, and once a NAT exists it also carries the few
 * Secrets Manager calls (one per cold start); interface endpoints for
 * Secrets Manager alone would cost about $14.60 a month in two AZs on top.
 * One gateway, not one per AZ: the traffic is one download a day, and an
 * AZ outage delays it, not the data. docs/cloud.md has the monthly figures.
 *
 * With `existingVpc`, the VPC and its private subnets are the user's; they
 * must reach the internet already (NAT), and the S3 endpoint is added to
 * the route tables given.
 */
export class Network extends Construct {
  readonly vpc: ec2.IVpc;
  readonly workloadSubnets: ec2.SubnetSelection;
  readonly databaseSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, settings: OpaisSettings) {
    super(scope, id);
    const existing = settings.existingVpc;
    if (existing) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: existing.vpcId,
        availabilityZones: existing.availabilityZones,
        privateSubnetIds: existing.privateSubnetIds,
        ...(existing.routeTableIds.length > 0 ? { privateSubnetRouteTableIds: existing.routeTableIds } : {}),
      });
      if (existing.routeTableIds.length > 0) {
        this.vpc.addGatewayEndpoint('S3', {
          service: ec2.GatewayVpcEndpointAwsService.S3,
          subnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
        });
      }
      this.workloadSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      this.databaseSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      return;
    }
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      // Nothing here needs IPv6 or the default security group's open rules.
      restrictDefaultSecurityGroup: false,
    });
    this.workloadSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.databaseSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  }
}
