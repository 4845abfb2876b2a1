import { createReadStream, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { OpaisError } from '../errors.ts';
import type { SnapshotSourceInfo } from '../events/event-types.ts';
import { hashWhileReading } from './hash-while-reading.ts';
import type { OpenedSnapshot, SnapshotSource } from './snapshot-source.ts';
import { openJsonInZipFile } from './zip-json-entry.ts';

/** Reads of 1 MiB instead of the default 64 KiB: fewer chunks through the hash and the splitter. */
const readChunkBytes = 1024 * 1024;

const zipMagic = Buffer.from('PK\x03\x04', 'latin1');

/**
 * A snapshot in a local file: the JSON export itself, or a zip holding it.
 * Which of the two is decided by the first bytes (a zip's local-file-header
 * signature), not by the name. The SHA-256 is the file's as delivered.
 */
export function fileSource(path: string): SnapshotSource {
  const absolute = resolve(path);
  return {
    name: path,
    async open(): Promise<OpenedSnapshot> {
      const stats = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
          throw new OpaisError(
            'SOURCE_NOT_FOUND',
            `${path}: no such file`,
            { path: absolute },
            { cause: error },
          );
        }
        throw error;
      });
      if (!stats.isFile()) {
        throw new OpaisError('SOURCE_UNSUPPORTED', `${path}: not a regular file`, { path: absolute });
      }
      const info: SnapshotSourceInfo = {
        kind: 'file',
        path: absolute,
        fileName: basename(absolute),
        sizeBytes: stats.size,
        lastModified: stats.mtime.toISOString(),
      };
      const opened = { lastModified: stats.mtime, info };
      if (await isZip(absolute)) {
        const zip = await openJsonInZipFile(absolute, path);
        return {
          ...opened,
          json: zip.json,
          jsonBytes: zip.jsonBytes,
          sha256: unchangedSince(stats, path, absolute, hashAlongside(absolute, zip.json)),
        };
      }
      const { json, sha256 } = hashWhileReading(
        createReadStream(absolute, { highWaterMark: readChunkBytes }),
      );
      return {
        ...opened,
        json,
        jsonBytes: stats.size,
        sha256: unchangedSince(stats, path, absolute, sha256),
      };
    },
  };
}

/**
 * The digest, once the file is found as it was when opened: a file
 * overwritten or appended to while it was read gives a mixture of two
 * exports, which must not be applied. Its size and modification time are
 * compared after the last byte was read (the ingest asks for the digest
 * before it commits anything).
 */
function unchangedSince(
  before: Stats,
  path: string,
  absolute: string,
  sha256: () => Promise<string>,
): () => Promise<string> {
  return async () => {
    const digest = await sha256();
    const after = await stat(absolute).catch(() => undefined);
    if (after?.size === before.size && after.mtimeMs === before.mtimeMs && after.ino === before.ino)
      return digest;
    const now = after ? `${after.size} bytes, modified ${after.mtime.toISOString()}` : 'it is gone';
    throw new OpaisError(
      'SOURCE_CHANGED',
      `${path}: the file changed while it was read (${before.size} bytes, modified ${before.mtime.toISOString()}, when opened; now ${now}); nothing was applied. Ingest it again once it is complete.`,
      { path: absolute },
    );
  };
}

async function isZip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(zipMagic.length);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(zipMagic);
  } finally {
    await file.close();
  }
}

/**
 * The zip's SHA-256, from a second read of the file running beside the
 * inflating one (whose bytes are the JSON, not the zip). It stops if the
 * JSON is abandoned before its end.
 */
function hashAlongside(path: string, json: Readable): () => Promise<string> {
  const { json: bytes, sha256 } = hashWhileReading(createReadStream(path, { highWaterMark: readChunkBytes }));
  bytes.resume();
  json.once('close', () => {
    if (!json.readableEnded) bytes.destroy();
  });
  return sha256;
}
