import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { OpaisError } from '../errors.ts';
import { formatS3Uri, isS3Uri, parseS3Uri } from '../source/s3-uri.ts';

/** Where fetched exports go: a prefix in a bucket or a directory; each export gets its own dated name there. */
export type FetchTarget = { kind: 's3'; bucket: string; prefix: string } | { kind: 'dir'; path: string };

export function parseFetchTarget(value: string): FetchTarget {
  if (!isS3Uri(value)) return { kind: 'dir', path: value };
  const { bucket, key } = parseS3Uri(value);
  return { kind: 's3', bucket, prefix: key === '' || key.endsWith('/') ? key : `${key}/` };
}

/**
 * Stores a verified file under `name` in the target and returns where
 * (`s3://bucket/key` or a path). It never replaces a stored export: a
 * directory gets it by copy-then-link (no reader sees half a file, and an
 * existing name fails), S3 by a conditional PUT (If-None-Match: *).
 */
export async function storeSnapshotFile(
  file: string,
  name: string,
  target: FetchTarget,
  options: { client: () => S3Client; metadata: Record<string, string> },
): Promise<string> {
  if (target.kind === 'dir') {
    await mkdir(target.path, { recursive: true });
    const destination = path.join(target.path, name);
    try {
      await copyFile(file, `${destination}.part`);
      await link(`${destination}.part`, destination).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? alreadyStored(destination, error) : error;
      });
    } finally {
      await rm(`${destination}.part`, { force: true });
    }
    return destination;
  }
  const location = { bucket: target.bucket, key: `${target.prefix}${name}` };
  await options
    .client()
    .send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: createReadStream(file),
        ContentLength: (await stat(file)).size,
        ContentType: name.endsWith('.zip') ? 'application/zip' : 'application/json',
        Metadata: options.metadata,
        IfNoneMatch: '*',
      }),
    )
    .catch((error: { name?: string }) => {
      throw error.name === 'PreconditionFailed' ? alreadyStored(formatS3Uri(location), error) : error;
    });
  return formatS3Uri(location);
}

function alreadyStored(location: string, cause: unknown): OpaisError {
  return new OpaisError(
    'FETCH_FAILED',
    `${location} already exists; a stored export is never replaced`,
    { location },
    { cause },
  );
}
