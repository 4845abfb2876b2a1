import { OpaisError } from '../errors.ts';
import { fileSource } from './file-source.ts';
import { formatS3Uri, isS3Uri, parseS3Uri } from './s3-uri.ts';
import type { SnapshotSource } from './snapshot-source.ts';

/** A snapshot source from what a user types: `s3://bucket/key`, or a local path (`.json` or `.zip`). */
export function sourceFromUri(uri: string): SnapshotSource {
  if (isS3Uri(uri)) {
    const location = parseS3Uri(uri);
    if (location.key === '' || location.key.endsWith('/')) {
      throw new OpaisError(
        'INVALID_ARGUMENT',
        `${uri} names a prefix, not an object (opais watch reads a prefix)`,
      );
    }
    // The AWS SDK is loaded only for an S3 source: it costs ≈ 0.25 s of start-up that a local file need not pay.
    return {
      name: formatS3Uri(location),
      open: async () => (await import('./s3-source.ts')).s3Source(location).open(),
    };
  }
  if (/^https?:\/\//.test(uri)) {
    throw new OpaisError(
      'SOURCE_UNSUPPORTED',
      `${uri}: ingest reads files and S3 objects; download it first with opais fetch`,
    );
  }
  return fileSource(uri);
}
