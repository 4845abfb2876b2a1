import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateSnapshots, snapshotText } from '../../test/generator/generate-snapshots.ts';
import { OpaisError } from '../errors.ts';
import { readSnapshotElements } from './read-snapshot-elements.ts';
import type { SnapshotElement } from './snapshot-element.ts';

const file = 'OPA_CE_DAILY_PUBLIC.JSON';
const [snapshot] = generateSnapshots({ seed: 'reader-workers', entities: 1500, days: 1 });
if (!snapshot) throw new Error('no snapshot generated');
const document = Buffer.from(snapshotText(snapshot, { bom: true }));

function streamOf(bytes: Buffer, chunkBytes = 100_000): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  return Readable.from(chunks);
}

async function readAll(bytes: Buffer, workers: number): Promise<SnapshotElement[]> {
  const elements: SnapshotElement[] = [];
  for await (const element of readSnapshotElements(streamOf(bytes), file, { workers }))
    elements.push(element);
  return elements;
}

/** OS threads of this process: worker threads are among them. */
function threadCount(): number {
  const match = /^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1]);
}

async function settledThreadCount(expected: number): Promise<number> {
  for (let attempt = 0; attempt < 50 && threadCount() !== expected; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return threadCount();
}

describe('readSnapshotElements with worker threads', () => {
  it('gives exactly the elements of the single-threaded reader, in file order', async () => {
    expect(document.length).toBeGreaterThan(3_000_000); // several batches, spread over both workers
    const single = await readAll(document, 0);
    expect(single).toHaveLength(snapshot.coveredEntities.length);
    expect(single.map((element) => element.index)).toEqual(single.map((_, index) => index));
    for (const workers of [1, 2]) expect(await readAll(document, workers)).toEqual(single);
  });

  it('reports a fault found in a worker with the file, the entity and the offset', async () => {
    const bad = Buffer.from(document);
    // A fault that only parsing finds: the splitter sees nothing wrong.
    const at = bad.lastIndexOf('"ceId": ') + '"ceId": '.length;
    bad.write('#', at);
    const single = await readAll(bad, 0).catch((error: unknown) => error);
    const threaded = await readAll(bad, 2).catch((error: unknown) => error);
    expect(threaded).toBeInstanceOf(OpaisError);
    expect((threaded as OpaisError).message).toBe((single as OpaisError).message);
    expect((threaded as OpaisError).message).toMatch(
      `${file} at entity #${snapshot.coveredEntities.length - 1}, byte offset ${at}: not valid JSON: Unexpected token '#'`,
    );
  });

  it('stops its workers when the consumer stops early or the read fails', async () => {
    const before = threadCount();
    const json = streamOf(document);
    let seen = 0;
    for await (const _ of readSnapshotElements(json, file, { workers: 2 })) {
      if (seen === 0) expect(threadCount()).toBeGreaterThanOrEqual(before + 2);
      if (++seen === 5) break;
    }
    expect(json.destroyed).toBe(true);
    expect(await settledThreadCount(before)).toBe(before);

    const truncated = document.subarray(0, document.length - 100);
    await expect(readAll(truncated, 2)).rejects.toThrow(/the document ends inside/);
    expect(await settledThreadCount(before)).toBe(before);
  });
});
