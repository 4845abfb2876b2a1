import { S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client from the SDK's standard settings: region from AWS_REGION (or
 * the shared config), credentials from the default chain, and a custom
 * endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. A custom endpoint
 * (MinIO, a local server) gets path-style addressing, since such servers
 * rarely resolve `bucket.host` names, and us-east-1 when no region is set.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined),
    // The SDK's default CRC checksums send uploads in aws-chunked framing, which several
    // S3-compatible servers store verbatim (corrupting the object); AWS needs none of it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

let shared: S3Client | undefined;

/** One client per process (a Lambda container reuses it across invocations). */
export function defaultS3Client(): S3Client {
  shared ??= createS3Client();
  return shared;
}
