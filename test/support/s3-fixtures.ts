import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import yazl from 'yazl';

export async function createBucket(
  client: S3Client,
  bucket: string,
  options: { versioned?: boolean } = {},
): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  if (options.versioned) {
    await client.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
}

export async function putObject(client: S3Client, bucket: string, key: string, body: Buffer | string) {
  return client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** An export-shaped document. */
export function snapshotJson(entities: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ coveredEntities: entities }));
}

/** A zip holding `OPA_CE_DAILY_PUBLIC.JSON`, as HRSA delivers it. */
export function zipOf(json: Buffer, entryName = 'OPA_CE_DAILY_PUBLIC.JSON'): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(json, entryName, { mtime: new Date('2026-11-26T05:00:00Z') });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
