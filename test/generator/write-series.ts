import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DayExpectation, generateSeriesDays, type SeriesDay, type SeriesOptions } from './series.ts';
import { type SnapshotFormat, snapshotChunks } from './snapshot-text.ts';

export const manifestFileName = 'manifest.json';

export interface SeriesManifest {
  options: SeriesOptions;
  format: SnapshotFormat;
  days: ManifestDay[];
}

export interface ManifestDay {
  day: number;
  asOf: string;
  /** File name inside the series directory. */
  file: string;
  bytes: number;
  sha256: string;
  expected: DayExpectation;
}

export interface WriteSeriesOptions extends SeriesOptions, SnapshotFormat {
  /** Directory for the snapshot files and manifest.json (created when missing). */
  out: string;
  onDay?: (day: ManifestDay) => void;
}

/**
 * Writes every day of a series as a file and then manifest.json (last, so a
 * directory with a manifest is complete): the as-of, size, SHA-256 and
 * expected ingest outcome of each file.
 */
export async function generateSeries(options: WriteSeriesOptions): Promise<SeriesManifest> {
  const { out, onDay, minified, bom, rootMembers, ...seriesOptions } = options;
  const format: SnapshotFormat = {
    minified: minified ?? false,
    bom: bom ?? false,
    rootMembers: rootMembers ?? true,
  };
  await mkdir(out, { recursive: true });
  const days: ManifestDay[] = [];
  for (const day of generateSeriesDays(seriesOptions)) {
    const written = await writeSnapshotFile(join(out, day.fileName), day, format);
    const entry = { day: day.day, asOf: day.asOf, file: day.fileName, ...written, expected: day.expected };
    days.push(entry);
    onDay?.(entry);
  }
  const manifest: SeriesManifest = { options: seriesOptions, format, days };
  const path = join(out, manifestFileName);
  await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return manifest;
}

export async function readSeriesManifest(directory: string): Promise<SeriesManifest> {
  return JSON.parse(await readFile(join(directory, manifestFileName), 'utf8')) as SeriesManifest;
}

/** Streams one day to `path` entity by entity, in writes of about a megabyte. */
export async function writeSnapshotFile(
  path: string,
  day: SeriesDay,
  format: SnapshotFormat,
): Promise<{ bytes: number; sha256: string }> {
  const file = await open(path, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = async () => {
    const buffer = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingLength = 0;
    hash.update(buffer);
    bytes += buffer.length;
    await file.write(buffer);
  };
  try {
    for (const chunk of snapshotChunks(day.entities(), day.asOf, format)) {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= 1 << 20) await flush();
    }
    await flush();
  } finally {
    await file.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}
