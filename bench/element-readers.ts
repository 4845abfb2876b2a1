import { createReadStream } from 'node:fs';
import type { SnapshotElement } from '../src/snapshot/snapshot-element.ts';

/** Raw and layout-free hash → stream id of the registry's current entities, which our reader need not parse. */
export interface KnownElements {
  knownElements: ReadonlyMap<string, string>;
  knownLayouts: ReadonlyMap<string, string>;
}

export type ElementReader = (path: string, known: KnownElements) => AsyncIterable<SnapshotElement>;

/**
 * The readers the bench compares, each turning a snapshot file into its
 * elements (parsed, checked, canonicalised, hashed). Loaded on demand, so a
 * child's peak RSS holds only the code of the reader it measures.
 */
const loaders = {
  async ours(): Promise<ElementReader> {
    const { readSnapshotElements } = await import('../src/snapshot/read-snapshot-elements.ts');
    return (path, known) => readSnapshotElements(createReadStream(path), path, known);
  },
  // Without the fast paths (raw and layout-free hashes): every element parsed, checked, canonicalised and hashed.
  async 'ours-parse-all'(): Promise<ElementReader> {
    const { readSnapshotElements } = await import('../src/snapshot/read-snapshot-elements.ts');
    return (path) => readSnapshotElements(createReadStream(path), path);
  },
  // Parsing every element without worker threads: what the workers buy.
  async 'ours-1-thread'(): Promise<ElementReader> {
    const { readSnapshotElements } = await import('../src/snapshot/read-snapshot-elements.ts');
    return (path) => readSnapshotElements(createReadStream(path), path, { workers: 0 });
  },
  async 'stream-json'(): Promise<ElementReader> {
    const { streamJsonElements } = await import('./baselines/stream-json-elements.ts');
    return (path) => streamJsonElements(createReadStream(path), path);
  },
  async 'json-parse'(): Promise<ElementReader> {
    const { wholeFileElements } = await import('./baselines/whole-file-elements.ts');
    return wholeFileElements;
  },
} as const;

export type ReaderName = keyof typeof loaders;

export const readerNames = Object.keys(loaders) as ReaderName[];
export const baselineReaders: readonly ReaderName[] = ['stream-json', 'json-parse'];

export function isReaderName(name: string | undefined): name is ReaderName {
  return name !== undefined && Object.hasOwn(loaders, name);
}

export function loadElementReader(name: ReaderName): Promise<ElementReader> {
  return loaders[name]();
}
