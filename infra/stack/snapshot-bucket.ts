import { Duration, RemovalPolicy, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { OpaisSettings } from './settings.ts';

/**
 * The bucket of raw exports: versioned (every export is kept, and the event
 * log names each by key, ETag and version), private, TLS-only, SSE-S3,
 * EventBridge notifications on, kept when the stack goes. Exports move to
 * Glacier Instant Retrieval after `archiveAfterDays` (a fifth of the price,
 * still readable at once, so a re-ingest or backfill needs no restore) and
 * are never expired.
 */
export class SnapshotBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, settings: OpaisSettings) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'archive-raw-exports',
          prefix: settings.snapshotPrefix || undefined,
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(settings.archiveAfterDays),
            },
          ],
          noncurrentVersionTransitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(settings.archiveAfterDays),
            },
          ],
        },
      ],
    });
    // Set on the bucket itself: the L2 option (eventBridgeEnabled) deploys a custom-resource Lambda to do
    // what CloudFormation's NotificationConfiguration does directly.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }

  /** ARN of the objects under the snapshot prefix (what the functions may read or write). */
  objectsArn(settings: OpaisSettings): string {
    return this.bucket.arnForObjects(`${settings.snapshotPrefix}*`);
  }
}
