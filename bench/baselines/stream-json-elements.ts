import type { Readable } from 'node:stream';
import chain from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { initContentHash } from '../../src/snapshot/content-hash.ts';
import { type SnapshotElement, snapshotElementOf } from '../../src/snapshot/snapshot-element.ts';

/**
 * Baseline for the benchmark: the reference way to stream a huge JSON
 * document, stream-json v3's README pipeline (parser → pick → streamArray),
 * feeding the same per-element work as the real reader. A token stream
 * knows no byte offsets, so `offset` is -1; `fileName` names the file in errors.
 */
export async function* streamJsonElements(json: Readable, fileName: string): AsyncGenerator<SnapshotElement> {
  await initContentHash();
  const pipeline = chain([json, parser(), pick({ filter: 'coveredEntities' }), streamArray()]);
  try {
    for await (const { key, value } of pipeline as AsyncIterable<{ key: number; value: unknown }>) {
      yield snapshotElementOf(value, key, -1);
    }
  } catch (error) {
    throw new Error(`${fileName}: ${(error as Error).message}`, { cause: error });
  } finally {
    pipeline.destroy();
  }
}
