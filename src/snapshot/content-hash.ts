import { createXXHash128, type IHasher } from 'hash-wasm';

let hasher: IHasher | undefined;

/**
 * Prepares the 128-bit xxHash (hash-wasm) used as the content hash. Call
 * once per thread before contentHash; WebAssembly instantiation is async.
 */
export async function initContentHash(): Promise<void> {
  hasher ??= await createXXHash128();
}

/** The content hash (32 hex digits) of a canonical JSON text. */
export function contentHash(canonicalJson: string): string {
  if (!hasher) throw new Error('initContentHash() must be awaited before contentHash()');
  hasher.init();
  hasher.update(canonicalJson);
  return hasher.digest('hex');
}
