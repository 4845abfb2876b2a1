import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { OpaisError } from '../errors.ts';
import { fileSource } from '../source/file-source.ts';
import { formatS3Uri, isS3Uri, parseS3Uri } from '../source/s3-uri.ts';
import { dateInKey } from '../source/snapshot-key-date.ts';
import { isSnapshotKey, readSnapshotKeyFilter } from '../source/snapshot-key-filter.ts';
import type { SnapshotSource } from '../source/snapshot-source.ts';

/** One export found by a backfill, with the as-of it will be ingested at. */
export interface BackfillFile {
  name: string;
  source: SnapshotSource;
  asOf: Date;
  /** Where the as-of came from: a date in the name, or the file's or object's last-modified time. */
  asOfFrom: 'name' | 'lastModified';
  bytes: number;
}

/**
 * Whether a source names many exports: an S3 prefix (`s3://bucket/prefix/`),
 * a glob (`exports/*.zip`) or a local folder. A single file or object is
 * ingested alone.
 */
export async function isBackfillSource(uri: string): Promise<boolean> {
  if (isS3Uri(uri)) {
    const { key } = parseS3Uri(uri);
    return key === '' || key.endsWith('/');
  }
  if (isDynamicPattern(uri)) return true;
  return (await stat(uri).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Every export under a folder (recursively), matching a glob, or under an
 * S3 prefix, with the names OPAIS_SNAPSHOT_SUFFIXES allows (`.json`, `.zip`),
 * in as-of order (then by name): the as-of is the date in the path relative
 * to what was named (see src/source/snapshot-key-date.ts), else the
 * last-modified time.
 */
export async function listBackfillFiles(uri: string): Promise<BackfillFile[]> {
  const filter = readSnapshotKeyFilter();
  const found: BackfillFile[] = [];
  if (isS3Uri(uri)) {
    const { bucket, key: prefix } = parseS3Uri(uri);
    // Loaded only here: the AWS SDK costs ≈ 0.25 s of start-up that a local backfill or daily ingest need not pay.
    const [{ defaultS3Client }, { s3Source }, { listSnapshotObjects }] = await Promise.all([
      import('../source/s3-client.ts'),
      import('../source/s3-source.ts'),
      import('../watch/list-snapshot-objects.ts'),
    ]);
    const client = defaultS3Client();
    for (const object of await listSnapshotObjects(client, bucket, prefix, filter)) {
      const fromName = dateInKey(object.key.slice(prefix.length));
      found.push({
        name: formatS3Uri(object),
        source: s3Source({ bucket, key: object.key, etag: object.etag, client }),
        asOf: fromName ?? object.lastModified,
        asOfFrom: fromName ? 'name' : 'lastModified',
        bytes: object.size,
      });
    }
  } else {
    const isGlob = isDynamicPattern(uri);
    const paths = isGlob
      ? await glob(uri, { onlyFiles: true, expandDirectories: false })
      : await filesUnder(uri);
    for (const file of paths) {
      if (!isSnapshotKey(path.basename(file), { prefix: '', suffixes: filter.suffixes })) continue;
      const stats = await stat(file);
      const fromName = dateInKey(isGlob ? file : path.relative(uri, file));
      found.push({
        name: file,
        source: fileSource(file),
        asOf: fromName ?? stats.mtime,
        asOfFrom: fromName ? 'name' : 'lastModified',
        bytes: stats.size,
      });
    }
  }
  if (found.length === 0) {
    throw new OpaisError('SOURCE_NOT_FOUND', `${uri}: no exports found (${filter.suffixes.join(', ')})`, {
      uri,
    });
  }
  return found.sort(
    (a, b) => a.asOf.getTime() - b.asOf.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
