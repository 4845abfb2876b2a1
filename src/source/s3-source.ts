import type { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { SnapshotSourceInfo } from '../events/event-types.ts';
import { hashWhileReading } from './hash-while-reading.ts';
import { defaultS3Client } from './s3-client.ts';
import { s3SourceError } from './s3-errors.ts';
import { type PinnedObject, S3RangeReader } from './s3-range-reader.ts';
import { formatS3Uri, type S3Location } from './s3-uri.ts';
import type { OpenedSnapshot, SnapshotSource } from './snapshot-source.ts';
import { openJsonInZipReader } from './zip-json-entry.ts';

export interface S3SourceOptions {
  bucket: string;
  key: string;
  /** Read this version of the object (versioned buckets). */
  versionId?: string;
  /** Read the object only if it still has this ETag (the watcher pins what it listed). */
  etag?: string;
  client?: S3Client;
}

const zipMagic = Buffer.from('PK\x03\x04', 'latin1');

/**
 * A snapshot in S3, streamed, never buffered whole. A first GET of bytes 0–3
 * tells a zip from a JSON document (by its first bytes, as for files) and
 * gives the object's ETag, version, size and time; every later read is
 * pinned to that ETag (and version), so an object replaced meanwhile fails
 * (412) rather than mixing two files.
 * - JSON: one GET piped into the reader, hashed on the way.
 * - zip: ranged GETs through a yauzl random-access reader (the directory,
 *   then the entry's compressed bytes), and one more streamed GET of the
 *   whole object beside them for the SHA-256 of the zip as delivered.
 */
export function s3Source(options: S3SourceOptions): SnapshotSource {
  const location = { bucket: options.bucket, key: options.key };
  const client = options.client ?? defaultS3Client();
  // S3 writes the version of an object stored while versioning was off as the string "null".
  const versionId = options.versionId && options.versionId !== 'null' ? options.versionId : undefined;
  const name = formatS3Uri(location);
  return {
    name,
    async open(): Promise<OpenedSnapshot> {
      const send = (input: PinnedObject & { Range?: string }) =>
        client.send(new GetObjectCommand(input)).catch((error) => {
          throw s3SourceError(error, location);
        });
      const requested: PinnedObject = {
        Bucket: location.bucket,
        Key: location.key,
        ...(versionId ? { VersionId: versionId } : {}),
        ...(options.etag ? { IfMatch: quoted(options.etag) } : {}),
      };
      const head = await send({ ...requested, Range: 'bytes=0-3' }).catch((error) => {
        // An empty object has no byte 0: read it whole, and the reader says what is wrong with it.
        if ((error as { name?: string }).name === 'InvalidRange') return undefined;
        throw error;
      });
      const magic = head
        ? Buffer.from(await (head.Body as BodyBytes).transformToByteArray())
        : Buffer.alloc(0);
      const pinned: PinnedObject = { ...requested, ...(head?.ETag ? { IfMatch: head.ETag } : {}) };
      if (head && magic.equals(zipMagic)) return openZip(client, pinned, head, location, name, send);

      const response = await send(pinned);
      const { json, sha256 } = hashWhileReading(response.Body as Readable);
      return {
        json,
        sha256,
        jsonBytes: response.ContentLength,
        lastModified: response.LastModified,
        info: objectInfo(location, response, response.ContentLength),
      };
    },
  };
}

async function openZip(
  client: S3Client,
  pinned: PinnedObject,
  head: GetObjectCommandOutput,
  location: S3Location,
  name: string,
  send: (input: PinnedObject) => Promise<GetObjectCommandOutput>,
): Promise<OpenedSnapshot> {
  // Content-Range: bytes 0-3/<size>
  const size = Number(head.ContentRange?.split('/')[1]);
  const zip = await openJsonInZipReader(new S3RangeReader(client, pinned), size, name);
  const whole = await send(pinned);
  const { json: bytes, sha256 } = hashWhileReading(whole.Body as Readable);
  bytes.resume();
  // An abandoned ingest stops the hashing download too.
  zip.json.once('close', () => {
    if (!zip.json.readableEnded) bytes.destroy();
  });
  return {
    json: zip.json,
    sha256,
    jsonBytes: zip.jsonBytes,
    lastModified: head.LastModified,
    info: objectInfo(location, head, size),
  };
}

type BodyBytes = { transformToByteArray(): Promise<Uint8Array> };

function objectInfo(
  location: S3Location,
  response: GetObjectCommandOutput,
  size: number | undefined,
): SnapshotSourceInfo {
  return {
    kind: 's3',
    ...location,
    etag: response.ETag?.replace(/"/g, ''),
    versionId: response.VersionId,
    sizeBytes: size,
    lastModified: response.LastModified?.toISOString(),
  };
}

function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}
