import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Upload } from '@aws-sdk/lib-storage';
import { defaultS3Client } from '../source/s3-client.ts';
import { isS3Uri, parseS3Uri } from '../source/s3-uri.ts';

/**
 * Streams an export to stdout, a file or an S3 object. A file is written
 * beside its final name and renamed when complete, and an S3 upload is
 * multipart and aborted on failure, so a failed export never leaves a
 * truncated file that looks whole.
 */
export async function writeExportOutput(
  body: Readable,
  out: string | undefined,
  contentType: string,
): Promise<void> {
  if (out === undefined || out === '-') {
    await pipeline(body, process.stdout, { end: false });
    return;
  }
  if (isS3Uri(out)) {
    const { bucket, key } = parseS3Uri(out);
    await new Upload({
      client: defaultS3Client(),
      params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
    }).done();
    return;
  }
  const partial = `${out}.partial-${process.pid}`;
  try {
    await pipeline(body, createWriteStream(partial));
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
