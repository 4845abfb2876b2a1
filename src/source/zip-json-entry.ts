import { type Readable, Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { type ReaderSettings, readReaderSettings } from '../config.ts';
import { OpaisError, snapshotMalformed } from '../errors.ts';

/** The export's name in HRSA's zip. */
const exportEntryName = 'opa_ce_daily_public.json';

export interface JsonInZip {
  /** The entry's name inside the zip. */
  entryName: string;
  /** Its uncompressed size. */
  jsonBytes: number;
  /** Its bytes, inflated and checked against the entry's CRC-32 and size. */
  json: Readable;
}

// The directory is read in full before choosing (so an ambiguous zip is refused), and the file is
// closed when the chosen entry's stream closes.
const zipOptions: yauzl.Options = { lazyEntries: true, autoClose: false, strictFileNames: false };

/** The export inside a local zip file. */
export function openJsonInZipFile(
  path: string,
  zipName: string,
  limits: ReaderSettings = readReaderSettings(),
): Promise<JsonInZip> {
  return openJsonInZip(() => yauzl.openPromise(path, zipOptions), zipName, limits);
}

/**
 * The export inside a zip read through a yauzl RandomAccessReader, which
 * fetches only the ranges it needs (the central directory, then the entry):
 * how an S3 object is read with ranged GETs.
 */
export function openJsonInZipReader(
  reader: yauzl.RandomAccessReader,
  size: number,
  zipName: string,
  limits: ReaderSettings = readReaderSettings(),
): Promise<JsonInZip> {
  return openJsonInZip(() => yauzl.fromRandomAccessReaderPromise(reader, size, zipOptions), zipName, limits);
}

/**
 * The zip entry that is the export: the one named OPA_CE_DAILY_PUBLIC.JSON
 * (in any case, in any folder), else the zip's only `.json` entry; any
 * other zip is refused, naming its entries.
 */
async function openJsonInZip(
  openDirectory: () => Promise<yauzl.ZipFile>,
  zipName: string,
  limits: ReaderSettings,
): Promise<JsonInZip> {
  const zip = await openDirectory().catch((error: Error) => {
    // The reader's own failures (an S3 read refused, say) are already named; yauzl's are the zip's fault.
    throw error instanceof OpaisError
      ? error
      : snapshotMalformed(zipName, {}, `not a readable zip file: ${error.message}`);
  });
  try {
    const entries: yauzl.Entry[] = [];
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith('/')) entries.push(entry);
    }
    const entry = chooseEntry(entries, zipName);
    checkExpansion(entry, zipName, limits.maxZipRatio);
    const stream = await zip.openReadStreamPromise(entry);
    const json = checked(stream, entry, zipName);
    json.once('close', () => zip.close());
    return { entryName: entry.fileName, jsonBytes: entry.uncompressedSize, json };
  } catch (error) {
    zip.close();
    throw error instanceof OpaisError
      ? error
      : snapshotMalformed(zipName, {}, `cannot read the zip: ${(error as Error).message}`);
  }
}

function chooseEntry(entries: yauzl.Entry[], zipName: string): yauzl.Entry {
  const visible = entries.filter((entry) => !entry.fileName.startsWith('__MACOSX/'));
  const named = visible.filter((entry) => baseName(entry.fileName).toLowerCase() === exportEntryName);
  const candidates =
    named.length > 0 ? named : visible.filter((entry) => entry.fileName.toLowerCase().endsWith('.json'));
  if (candidates.length === 1) return candidates[0] as yauzl.Entry;
  const listed = entries.slice(0, 20).map((entry) => entry.fileName);
  const more = entries.length > listed.length ? `, and ${entries.length - listed.length} more` : '';
  const holds = entries.length === 0 ? 'it is empty' : `it holds ${listed.join(', ')}${more}`;
  const problem =
    candidates.length === 0
      ? 'the zip holds no OPA_CE_DAILY_PUBLIC.JSON and no other .json file'
      : 'the zip holds several candidate .json files and none is unambiguously OPA_CE_DAILY_PUBLIC.JSON';
  throw snapshotMalformed(zipName, {}, `${problem} (${holds})`);
}

/**
 * A zip bomb is refused before anything is inflated. yauzl holds the entry
 * to its declared size while inflating, so the declared sizes are the ones
 * to check.
 */
function checkExpansion(entry: yauzl.Entry, zipName: string, maxZipRatio: number): void {
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (ratio <= maxZipRatio) return;
  throw new OpaisError(
    'SNAPSHOT_TOO_LARGE',
    `${zipName}: ${entry.fileName} would inflate from ${entry.compressedSize} to ${entry.uncompressedSize} bytes, ${Math.round(ratio)} times its size, more than the maximum zip expansion ratio of ${maxZipRatio} (OPAIS_MAX_ZIP_RATIO); nothing was read`,
    { file: zipName, entry: entry.fileName, ratio, maxZipRatio },
  );
}

function baseName(fileName: string): string {
  return fileName.slice(fileName.lastIndexOf('/') + 1);
}

/**
 * The entry's bytes with its CRC-32 verified at the end (yauzl checks the
 * size, not the checksum) and any inflate error named as the zip's fault.
 */
function checked(stream: Readable, entry: yauzl.Entry, zipName: string): Readable {
  let crc = 0;
  const fault = (reason: string) => snapshotMalformed(zipName, {}, `${entry.fileName} ${reason}`);
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      callback(crc === entry.crc32 ? null : fault('fails its CRC-32 check: the zip is corrupt'));
    },
  });
  stream.on('error', (error) => out.destroy(fault(`cannot be decompressed: ${error.message}`)));
  out.once('close', () => stream.destroy());
  return stream.pipe(out);
}
