import type { ElementBatch } from './element-batch.ts';
import { layoutFreeHash } from './layout-free-hash.ts';

/** The layout-free hash (see layoutFreeHash) of each element of a batch that came from another thread. */
export function batchLayoutFreeHashes(batch: ElementBatch): Array<string | undefined> {
  const hashes: Array<string | undefined> = [];
  let start = 0;
  for (let k = 0; k < batch.ends.length; k++) {
    const end = batch.ends[k] as number;
    hashes.push(layoutFreeHash(batch.bytes.subarray(start, end)));
    start = end;
  }
  return hashes;
}
