import { createXXHash128, type IHasher } from 'hash-wasm';

let hasher: IHasher | undefined;

/**
 * Prepares the 128-bit xxHash (hash-wasm) used as the content hash. Call
 * once per thread before contentHashOfUtf8; WebAssembly instantiation is async.
 */
export async function initContentHash(): Promise<void> {
  hasher ??= await createXXHash128();
}

/** The content hash (32 hex digits) of a canonical JSON text given as its UTF-8 bytes: their xxHash128. */
export function contentHashOfUtf8(bytes: Uint8Array): string {
  if (!hasher) throw new Error('initContentHash() must be awaited before contentHashOfUtf8()');
  hasher.init();
  hasher.update(bytes);
  return hasher.digest('hex');
}

let rawHasher: IHasher | undefined;

export async function initRawHash(): Promise<void> {
  rawHasher ??= await createXXHash128();
}

/**
 * xxHash128 of an element's bytes as they stand in the file. Equal bytes
 * mean equal content, so an element byte-identical to one of the previous
 * snapshot need not be parsed at all (hashing costs a few percent of
 * parsing, checking and canonicalising; docs/performance.md).
 */
export function rawHash(bytes: Uint8Array): string {
  if (!rawHasher) throw new Error('initRawHash() must be awaited before rawHash()');
  rawHasher.init();
  rawHasher.update(bytes);
  return rawHasher.digest('hex');
}
