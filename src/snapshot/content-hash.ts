import { createXXHash128, type IHasher } from 'hash-wasm';

let hasher: IHasher | undefined;

/**
 * The UTF-8 bytes of each text are written here rather than into a new
 * Buffer per entity (what hash-wasm does with a string): those buffers live
 * outside the JavaScript heap, so they piled up between collections (tens of
 * MB of RSS on a full-scale export).
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
  if (!hasher) throw new Error('initContentHash() must be awaited before contentHash()');
  hasher.init();
  // A UTF-16 code unit is at most 3 bytes of UTF-8: when that fits, so does the text.
  if (canonicalJson.length * 3 <= scratch.length) {
    hasher.update(scratch.subarray(0, scratch.write(canonicalJson, 0, 'utf8')));
  } else {
    hasher.update(canonicalJson);
  }
  return hasher.digest('hex');
}
