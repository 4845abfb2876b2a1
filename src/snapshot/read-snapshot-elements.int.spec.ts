import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSnapshots, snapshotText } from '../../test/generator/generate-snapshots.ts';
import { OpaisError } from '../errors.ts';
import { readSnapshotElements } from './read-snapshot-elements.ts';
import type { SnapshotElement } from './snapshot-element.ts';

const file = 'OPA_CE_DAILY_PUBLIC.JSON';
const examplesDirectory = fileURLToPath(new URL('../../examples', import.meta.url));
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
  for await (const element of readSnapshotElements(streamOf(bytes), file, { workers, workersAfterBytes: 0 }))
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

/** An element with its canonical JSON as text, for a readable difference. */
const plain = (element: SnapshotElement) =>
  element.kind === 'entity' ? { ...element, canonical: Buffer.from(element.canonical).toString() } : element;

/** Every snapshot fixture of the repository, and one made of what the reader must refuse or report. */
function fixtures(): Array<[string, Buffer]> {
  const examples = readdirSync(examplesDirectory)
    .filter((name) => name.endsWith('.JSON'))
    .map((name): [string, Buffer] => [name, readFileSync(join(examplesDirectory, name))]);
  const problems = [
    '{"id340B":"A","ceId":1,"name":"ok"}',
    '{"id340B":"B","ceId":9007199254740993}',
    '{"id340B":"C","ceId":3,"x":1e400}',
    '{"id340B":"D","ceId":4,"ceId":5}',
    '{"id340B":"E","ceId":6,"contractPharmacies":[{"contractId":1,"contractId":2}]}',
    '{"ceId":7}',
    '"not an object"',
    '{"id340B":"F","ceId":8,"name":12345}',
    '{"id340B":"G","ceId":9,"n":1.50,"big":123456789012345678}',
  ];
  const padded = Array.from({ length: 12_000 }, (_, i) => problems[i % problems.length]).join(',\n');
  return [
    ...examples,
    ['generated (1,500 entities, BOM)', document],
    ['data-quality problems', Buffer.from(`{"coveredEntities":[${padded}],"note":"x"}`)],
  ];
}

describe('readSnapshotElements with worker threads', () => {
  it('gives exactly the elements of the single-threaded reader on every fixture, with 1 and with N workers', async () => {
    for (const [name, bytes] of fixtures()) {
      const single = (await readAll(bytes, 0)).map(plain);
      expect(single.length, name).toBeGreaterThan(0);
      if (name === 'data-quality problems') {
        const codes = new Set(
          single.map((element) => (element.kind === 'problem' ? element.problem.code : element.kind)),
        );
        expect([...codes].sort()).toEqual(
          ['INEXACT_NUMBER', 'INVALID_TYPE', 'MISSING_KEY', 'NOT_AN_OBJECT', 'REPEATED_KEY', 'entity'].sort(),
        );
      }
      for (const workers of [1, 2]) {
        expect((await readAll(bytes, workers)).map(plain), `${name}, ${workers} workers`).toEqual(single);
      }
    }
  });

  it('gives exactly the elements of the single-threaded reader, in file order', async () => {
    expect(document.length).toBeGreaterThan(3_000_000); // several batches, spread over both workers
    const single = await readAll(document, 0);
    expect(single).toHaveLength(snapshot.coveredEntities.length);
    expect(single.map((element) => element.index)).toEqual(single.map((_, index) => index));
    for (const workers of [1, 2])
      expect((await readAll(document, workers)).map(plain)).toEqual(single.map(plain));
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

  it('reports a fault in an element hashed by layout in a worker as the single-threaded reader does', async () => {
    const knownLayouts = new Map<string, string>();
    (await readAll(document, 0)).forEach((element, index) => {
      if (element.kind === 'entity' && element.layoutFreeHash)
        knownLayouts.set(element.layoutFreeHash, `stream-${index}`);
    });
    // Laid out anew, every entity known by its layout but the last, which parsing finds broken.
    const bad = Buffer.from(snapshotText(snapshot, { minified: true }));
    const at = bad.lastIndexOf('"ceId":') + '"ceId":'.length;
    bad.write('#', at);
    const read = async (workers: number) => {
      try {
        for await (const _ of readSnapshotElements(streamOf(bad), file, {
          workers,
          workersAfterBytes: 0,
          knownLayouts,
        }));
      } catch (error) {
        return error;
      }
      throw new Error('the read did not fail');
    };
    const single = await read(0);
    expect(single).toBeInstanceOf(OpaisError);
    expect((single as OpaisError).message).toMatch(
      `${file} at entity #${snapshot.coveredEntities.length - 1}, byte offset ${at}: not valid JSON`,
    );
    expect(((await read(2)) as OpaisError).message).toBe((single as OpaisError).message);
  });

  it('recognises the same elements laid out anew with 1 thread and with 2 workers, and parses the rest alike', async () => {
    const elements = await readAll(document, 0);
    const minified = Buffer.from(snapshotText(snapshot, { minified: true }));
    // One in five entities byte for byte as before (known by its raw hash, the others hashed by layout).
    const knownElements = new Map<string, string>();
    (await readAll(minified, 0)).forEach((element, index) => {
      if (element.kind === 'entity' && element.rawHash && index % 5 === 1)
        knownElements.set(element.rawHash, `stream-${index}`);
    });
    // One in seven entities changed since (parsed here, the others hashed by layout in the workers), then one
    // in two (parsed by the workers as well).
    for (const changedEvery of [7, 2]) {
      const knownLayouts = new Map<string, string>();
      elements.forEach((element, index) => {
        if (element.kind === 'entity' && element.layoutFreeHash && index % changedEvery !== 0)
          knownLayouts.set(element.layoutFreeHash, `stream-${index}`);
      });
      const read = async (workers: number) => {
        const read: Array<ReturnType<typeof plain>> = [];
        for await (const element of readSnapshotElements(streamOf(minified), file, {
          workers,
          workersAfterBytes: 0,
          knownElements,
          knownLayouts,
        }))
          read.push(plain(element));
        return read;
      };
      const single = await read(0);
      const known = single.filter((element) => element.kind === 'known');
      expect(known.length).toBeGreaterThan(knownLayouts.size);
      expect(known.every((element) => element.streamId === `stream-${element.index}`)).toBe(true);
      expect(single.map((element) => element.index)).toEqual(single.map((_, index) => index));
      expect(await read(2), `one in ${changedEvery} changed`).toEqual(single);
    }
  });

  it('starts no workers for a day on which few elements changed, and starts them when most must be parsed or hashed by layout', async () => {
    const known = new Map<string, string>();
    const elements = await readAll(document, 0);
    // Every entity but one in ten known by its raw hash: a tenth of the bytes to parse, like a delta (≈ 2%).
    elements.forEach((element, index) => {
      if (element.kind === 'entity' && element.rawHash && index % 10 !== 0)
        known.set(element.rawHash, `stream-${index}`);
    });
    const mostThreads = async (knownElements: Map<string, string>) => {
      let most = 0;
      for await (const _ of readSnapshotElements(streamOf(document), file, {
        workers: 2,
        workersAfterBytes: 0,
        knownElements,
      }))
        most = Math.max(most, threadCount());
      return most;
    };
    const before = await settledThreadCount(threadCount());
    expect(await mostThreads(known)).toBe(before);
    expect(await mostThreads(new Map())).toBeGreaterThanOrEqual(before + 2);
    // Every entity laid out anew but known by its layout-free hash: hashed by layout in the workers, none parsed.
    const knownLayouts = new Map<string, string>();
    elements.forEach((element, index) => {
      if (element.kind === 'entity' && element.layoutFreeHash)
        knownLayouts.set(element.layoutFreeHash, `stream-${index}`);
    });
    let most = 0;
    let recognised = 0;
    for await (const element of readSnapshotElements(
      streamOf(Buffer.from(snapshotText(snapshot, { minified: true }))),
      file,
      {
        workers: 2,
        workersAfterBytes: 0,
        knownLayouts,
      },
    )) {
      most = Math.max(most, threadCount());
      if (element.kind === 'known') recognised += 1;
    }
    expect(recognised).toBe(knownLayouts.size);
    expect(most).toBeGreaterThanOrEqual(before + 2);
  });

  it('stops its workers when the consumer stops early or the read fails', async () => {
    const before = threadCount();
    const json = streamOf(document);
    let seen = 0;
    for await (const _ of readSnapshotElements(json, file, { workers: 2, workersAfterBytes: 0 })) {
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
