import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

export interface Downloaded {
  bytes: number;
  sha256: string;
  /** The file starts with a zip local-file header (`PK\x03\x04`). */
  isZip: boolean;
}

/** Streams an HTTP response body to a file, hashing it and sniffing its first bytes on the way. */
export async function downloadToFile(body: ReadableStream<Uint8Array>, path: string): Promise<Downloaded> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  const observe = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)]);
      callback(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body), observe, createWriteStream(path));
  return { bytes, sha256: hash.digest('hex'), isZip: head.equals(Buffer.from('PK\x03\x04', 'latin1')) };
}
