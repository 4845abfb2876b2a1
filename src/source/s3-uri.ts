import { OpaisError } from '../errors.ts';

/** An object (or, with a key ending in `/` or empty, a prefix) in a bucket. */
export interface S3Location {
  bucket: string;
  key: string;
}

export function isS3Uri(value: string): boolean {
  return value.startsWith('s3://');
}

/** `s3://bucket/key` → { bucket, key }; the key may be empty (the whole bucket, for a prefix). */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  const bucket = match?.[1];
  // Bucket naming rules (lower case, digits, dots, hyphens, 3–63 characters), so a typo fails here and not as an SDK error.
  if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new OpaisError('INVALID_ARGUMENT', `not an S3 URI (s3://bucket/key): ${uri}`);
  }
  return { bucket, key: match[2] ?? '' };
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
