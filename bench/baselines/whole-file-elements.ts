import { readFile } from 'node:fs/promises';
import { initContentHash } from '../../src/snapshot/content-hash.ts';
import { type SnapshotElement, snapshotElementOf } from '../../src/snapshot/snapshot-element.ts';

/**
 * Baseline for the benchmark: the naive reader, one JSON.parse of the whole
 * file (memory grows with the file: the text and the whole object tree are
 * held at once), then the same per-element work as the real reader. Byte
 * offsets are unknown, so `offset` is -1.
 */
export async function* wholeFileElements(path: string): AsyncGenerator<SnapshotElement> {
  await initContentHash();
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  const root = JSON.parse(text) as { coveredEntities?: unknown };
  if (!Array.isArray(root.coveredEntities)) throw new Error(`${path}: coveredEntities is not an array`);
  const elements: unknown[] = root.coveredEntities;
  for (let index = 0; index < elements.length; index++) {
    yield snapshotElementOf(elements[index], index, -1);
  }
}
