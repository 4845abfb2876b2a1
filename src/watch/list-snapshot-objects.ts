import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3SourceError } from '../source/s3-errors.ts';
import { isSnapshotKey, type SnapshotKeyFilter } from '../source/snapshot-key-filter.ts';

export interface ListedObject {
  bucket: string;
  key: string;
  etag: string;
  lastModified: Date;
  size: number;
}

/** Every snapshot object under a prefix (all pages of ListObjectsV2). */
export async function listSnapshotObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  filter: SnapshotKeyFilter,
): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      )
      .catch((error) => {
        throw s3SourceError(error, { bucket, key: prefix });
      });
    for (const item of page.Contents ?? []) {
      if (!item.Key || !isSnapshotKey(item.Key, filter)) continue;
      objects.push({
        bucket,
        key: item.Key,
        etag: (item.ETag ?? '').replace(/"/g, ''),
        lastModified: item.LastModified ?? new Date(0),
        size: item.Size ?? 0,
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}
