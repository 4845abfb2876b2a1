import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { streamJsonElements } from '../bench/baselines/stream-json-elements.ts';
import { wholeFileElements } from '../bench/baselines/whole-file-elements.ts';
import { readSnapshotElements } from '../src/snapshot/read-snapshot-elements.ts';
import type { SnapshotElement } from '../src/snapshot/snapshot-element.ts';
import { generateSnapshots, snapshotText } from './generator/generate-snapshots.ts';

let directory: string | undefined;

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

async function collect(elements: AsyncIterable<SnapshotElement>): Promise<SnapshotElement[]> {
  const all: SnapshotElement[] = [];
  for await (const element of elements) all.push(element);
  return all;
}

/** The baselines know no byte offsets and no raw bytes to hash. */
const withoutOffsets = (elements: SnapshotElement[]) =>
  elements.map((element) => {
    if (element.kind === 'problem')
      return { ...element, offset: -1, problem: { ...element.problem, offset: -1 } };
    // The hashes of the bytes as they stand are the reader's own (its fast paths), not the baselines'.
    const {
      rawHash: _rawHash,
      layoutFreeHash: _layoutFreeHash,
      ...rest
    } = element as typeof element & {
      layoutFreeHash?: string;
    };
    return { ...rest, offset: -1 };
  });

describe("the benchmark's baseline readers", () => {
  it('give the same elements as the reader', async () => {
    directory = await mkdtemp(join(tmpdir(), 'opais-baselines-'));
    const [snapshot] = generateSnapshots({ seed: 'baselines', entities: 400, days: 1 });
    if (!snapshot) throw new Error('no snapshot generated');
    // A few elements the reader reports as problems, to compare those too.
    snapshot.coveredEntities.push({ ceId: 1 }, { id340B: 'X', ceId: '7' });
    for (const format of [{ bom: true }, { minified: true }]) {
      const path = join(directory, `snapshot-${format.bom ? 'bom' : 'minified'}.json`);
      await writeFile(path, snapshotText(snapshot, format));
      const reader = await collect(readSnapshotElements(createReadStream(path), path));
      expect(reader).toHaveLength(402);
      expect(reader.filter((element) => element.kind === 'problem')).toHaveLength(2);
      const expected = withoutOffsets(reader);
      expect(await collect(streamJsonElements(createReadStream(path), path))).toEqual(expected);
      expect(await collect(wholeFileElements(path))).toEqual(expected);
    }
  });
});
