import { createHash } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';

/**
 * Passes the bytes through while taking their SHA-256, so the file is read
 * once. The digest resolves when the last byte has passed; if the read fails
 * or is abandoned it rejects (and nobody need be listening).
 */
export function hashWhileReading(body: Readable): { json: Readable; sha256: () => Promise<string> } {
  const hash = createHash('sha256');
  let settle: { resolve: (digest: string) => void; reject: (error: Error) => void } | undefined;
  const digest = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  digest.catch(() => {});
  const json = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      settle?.resolve(hash.digest('hex'));
      callback();
    },
  });
  pipeline(body, json, (error) => {
    if (error) settle?.reject(error);
  });
  return { json, sha256: () => digest };
}
