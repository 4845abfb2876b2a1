import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BenchContext } from './bench-section.ts';
import { type PreparedSeries, sourceFingerprint } from './prepare-series.ts';

/**
 * The registry (stream id → content, raw and layout-free hash) that ingesting `day` leaves,
 * as a TSV beside the snapshot, computed once with our reader. Children
 * load it to diff another read of a snapshot against it.
 */
export async function registryFile(
  context: BenchContext,
  day: PreparedSeries['days'][number],
): Promise<string> {
  // Named for the reader's code: one written by another reader (other hashes, other columns) is not read as this.
  const prefix = `${day.path}.registry-`;
  const path = `${prefix}${await sourceFingerprint('src/snapshot')}.tsv`;
  if (existsSync(path)) return path;
  for (const stale of await readdir(dirname(path))) {
    const file = join(dirname(path), stale);
    if (file.startsWith(prefix) && file !== path) await rm(file, { force: true });
  }
  context.log(`computing the content hashes of ${day.file} (once) ...`);
  const result = await context.runChild('bench/children/rediff.ts', [
    '--reader',
    'ours',
    '--file',
    day.path,
    '--save-registry',
    `${path}.partial`,
  ]);
  if (result.registered !== day.expected.entities) {
    throw new Error(
      `${day.file}: our reader found ${result.registered} entities, the generator wrote ${day.expected.entities}`,
    );
  }
  await rename(`${path}.partial`, path);
  return path;
}
