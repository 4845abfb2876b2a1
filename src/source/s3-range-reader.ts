import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import yauzl from 'yauzl';

/** The object version that every ranged read must see. */
export interface PinnedObject {
  Bucket: string;
  Key: string;
  VersionId?: string;
  /** The ETag the reads must match: an object overwritten mid-read fails (412) instead of mixing two files. */
  IfMatch?: string;
}

/**
 * A yauzl random-access reader over an S3 object: each range yauzl asks for
 * (the end-of-central-directory record, the directory, then one entry's
 * compressed bytes) is one ranged GET, streamed. Memory stays bounded and
 * only the bytes that matter are fetched.
 */
export class S3RangeReader extends yauzl.RandomAccessReader {
  readonly #client: S3Client;
  readonly #object: PinnedObject;

  constructor(client: S3Client, object: PinnedObject) {
    super();
    this.#client = client;
    this.#object = object;
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    if (end <= start) {
      out.end();
      return out;
    }
    const abort = new AbortController();
    // A consumer that stops early (yauzl on a bad entry, an aborted ingest) should not leave the download running.
    out.once('close', () => abort.abort());
    this.#client
      .send(new GetObjectCommand({ ...this.#object, Range: `bytes=${start}-${end - 1}` }), {
        abortSignal: abort.signal,
      })
      .then((response) => pipeline(response.Body as Readable, out))
      .catch((error: Error) => out.destroy(error));
    return out;
  }
}
