import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { BenchContext } from './bench-section.ts';
import type { PreparedSeries } from './prepare-series.ts';

/**
 * The registry (stream id → content hash) that ingesting `day` leaves,
 * as a TSV beside the snapshot, computed once with our reader. Children
 * load it to diff another read of a snapshot against it.
 */
export async function registryFile(
  context: BenchContext,
  day: PreparedSeries['days'][number],
): Promise<string> {
  // Named for its columns: a file of an older layout (without layout-free hashes) is not read as this one.
  const path = `${day.path}.registry-layout-free.tsv`;
  if (existsSync(path)) return path;
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
