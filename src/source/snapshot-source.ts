import type { Readable } from 'node:stream';
import type { SnapshotSourceInfo } from '../events/event-types.ts';

/** Where a snapshot comes from: a local `.json`/`.zip`, an S3 object, ... */
export interface SnapshotSource {
  /** How messages name it: a path or `s3://bucket/key`. */
  readonly name: string;
  open(): Promise<OpenedSnapshot>;
}

export interface OpenedSnapshot {
  /** The bytes of the JSON document (already unzipped), streamed. */
  json: Readable;
  /** SHA-256 (hex) of the source's bytes as delivered (the zip's for a zip); resolves once they have all been read. */
  sha256(): Promise<string>;
  /** Size in bytes of the JSON document, when known up front (for progress). */
  jsonBytes: number | undefined;
  /** The object's or file's last-modified time: the fallback as-of. */
  lastModified: Date | undefined;
  info: SnapshotSourceInfo;
}
