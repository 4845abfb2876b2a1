import { createXXHash128, type IHasher } from 'hash-wasm';

let hasher: IHasher | undefined;

/**
 * The UTF-8 bytes of each text are written here rather than into a new
 * Buffer per entity (what hash-wasm does with a string): a full-scale
 * export's worth of buffers outside the JavaScript heap, which only a
 * collection frees.
 */
const scratch = Buffer.allocUnsafeSlow(1024 * 1024);

/**
 * Prepares the 128-bit xxHash (hash-wasm) used as the content hash. Call
 * once per thread before contentHash; WebAssembly instantiation is async.
 */
export async function initContentHash(): Promise<void> {
  hasher ??= await createXXHash128();
}

/** The content hash (32 hex digits) of a canonical JSON text: xxHash128 of its UTF-8 bytes. */
export function contentHash(canonicalJson: string): string {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: when that fits, so does the text.
  if (canonicalJson.length * 3 <= scratch.length) {
    return contentHashOfUtf8(scratch.subarray(0, scratch.write(canonicalJson, 0, 'utf8')));
  }
  return contentHashOfUtf8(Buffer.from(canonicalJson, 'utf8'));
}

/** contentHash of a canonical JSON text given as its UTF-8 bytes. */
export function contentHashOfUtf8(bytes: Uint8Array): string {
  if (!hasher) throw new Error('initContentHash() must be awaited before contentHash()');
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
