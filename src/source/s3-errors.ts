import { OpaisError } from '../errors.ts';
import { formatS3Uri, type S3Location } from './s3-uri.ts';

/** S3 answers a missing key or bucket with 404 (NoSuchKey, NoSuchBucket, or a bare NotFound for HEAD). */
export function isS3NotFound(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound' || status === 404;
}

/** Turns S3's 404 into SOURCE_NOT_FOUND naming the object; anything else passes through. */
export function s3SourceError(error: unknown, location: S3Location): unknown {
  if (!isS3NotFound(error)) return error;
  const uri = formatS3Uri(location);
  const what =
    (error as { name?: string }).name === 'NoSuchBucket' ? 'bucket does not exist' : 'no such object';
  return new OpaisError('SOURCE_NOT_FOUND', `${uri}: ${what}`, { ...location }, { cause: error });
}
