import { setCollections } from './canonicalise.ts';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-bytes.ts';

/**
 * A 64-bit hash of an element's JSON value that does not depend on how the
 * file lays it out: whitespace, the order of every object's members and the
 * order of the set collections' items (docs/data-contract.md#identity-and-equality)
 * leave it unchanged; every token's bytes, and where each token stands, do
 * not. It lets an element whose bytes changed only by a re-rendering (HRSA
 * minifying the file, or writing members in another order) be recognised
 * without being parsed: equal hashes mean the same members with the same
 * values (so the same canonical form, and the same checks passed), unequal
 * ones mean nothing: such an element is parsed as any other.
 *
 * One pass over the bytes, with no parse tree and no strings: an object's
 * members and a set's items are summed lane by lane (a sum does not depend
 * on order; each summand is mixed first, so two different multisets collide
 * only by chance), an ordinary array's items are chained in order. Tokens
 * are hashed as they stand, escapes included: a string written with other
 * escapes, a number written otherwise (1.0 for 1), a member null rather than
 * missing all give another hash, and the element is parsed. Only the
 * punctuation is checked here: a token's bytes equal to those of a token
 * the full path accepted are valid by that, and bytes that break the
 * grammar give undefined (the full path then says where). A repeated key
 * cannot match: the entity it would match had none (toSnapshotElement turns
 * one into a data-quality problem).
 *
 * 64 bits (two 32-bit lanes, each token's bytes hashed four at a time): a
 * false match needs an element's hash to equal one of ≈ 90,000 current
 * entities' by chance, ≈ 5 × 10⁻¹⁵ per element, ≈ 5 × 10⁻¹⁰ for a day on
 * which every element was re-rendered. A first version, with four lanes
 * throughout, took ≈ 1.8× as long.
 *
 * Written by hand rather than with a library: it must not build the values,
 * which is the cost it saves: 0.85 s on one core for the 231 MB of a
 * re-rendered full-scale export, against ≈ 2.4 s for its `JSON.parse` alone
 * (docs/performance.md).
 */
export function layoutFreeHash(bytes: Uint8Array): string | undefined {
  const end = bytes.length;
  let at = skipSpace(bytes, 0, end);
  if (bytes[at] !== OPEN_BRACE) return undefined;
  let depth = 0;
  pendingSet = false;
  for (;;) {
    // A value starts at `at`.
    if (at >= end) return undefined;
    const c = bytes[at] as number;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === maxDepth) return undefined;
      const isObject = c === OPEN_BRACE;
      const kind = isObject ? OBJECT : depth === 1 && pendingSet ? SET : ARRAY;
      kinds[depth] = kind;
      counts[depth] = 0;
      // A sum starts at 0, a chain at a seed.
      lanes[depth * 2] = kind === ARRAY ? seed0 : 0;
      lanes[depth * 2 + 1] = kind === ARRAY ? seed1 : 0;
      depth += 1;
      at = skipSpace(bytes, at + 1, end);
      if (at >= end) return undefined;
      if (bytes[at] !== (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        if (isObject) {
          at = readKey(bytes, at, end, depth);
          if (at < 0) return undefined;
        }
        continue;
      }
      depth -= 1;
      closeContainer(depth);
      at += 1;
    } else if (c === QUOTE) {
      at = hashString(bytes, at, end, STRING_TAG);
      if (at < 0) return undefined;
    } else {
      at = hashScalar(bytes, at, end);
      if (at < 0) return undefined;
    }
    // A value ended before `at`, its hash in `value`: it goes into its container; then what follows it.
    for (;;) {
      if (depth === 0) return skipSpace(bytes, at, end) === end ? hex() : undefined;
      const container = depth - 1;
      foldValue(container);
      at = skipSpace(bytes, at, end);
      if (at >= end) return undefined;
      const next = bytes[at] as number;
      const isObject = kinds[container] === OBJECT;
      if (next === COMMA) {
        at = skipSpace(bytes, at + 1, end);
        if (isObject) {
          at = readKey(bytes, at, end, depth);
          if (at < 0) return undefined;
        }
        break;
      }
      if (next !== (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) return undefined;
      depth -= 1;
      closeContainer(depth);
      at += 1;
    }
  }
}

const OBJECT = 0;
const ARRAY = 1;
const SET = 2;
const KEY_TAG = 0x3c6ef372;
const STRING_TAG = 0x51a7c0de;
const SCALAR_TAG = 0x1b873593;
const seed0 = 0x9e3779b1 | 0;
const seed1 = 0x85ebca77 | 0;

/** Deeper than any export's elements (3 levels); a deeper element is parsed instead. */
const maxDepth = 64;
const kinds = new Uint8Array(maxDepth);
const counts = new Int32Array(maxDepth);
/** Two 32-bit lanes per open container. */
const lanes = new Int32Array(maxDepth * 2);
/** Per open object: the hash of the member name whose value comes next. */
const keys = new Int32Array(maxDepth * 2);
/** The hash of the value that just ended. */
const value = new Int32Array(2);
/** Whether the entity-level member name just read is a set collection's. */
let pendingSet = false;

/** Murmur3's finaliser: every input bit reaches every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hashes the string token at `at` (its quotes included) into `value`; the
 * position after it, or -1 when it does not end. Its end is found first,
 * then its bytes are hashed four at a time, without a test per byte.
 */
function hashString(bytes: Uint8Array, at: number, end: number, tag: number): number {
  const from = at + 1;
  let close = from;
  for (;;) {
    if (close >= end) return -1;
    const c = bytes[close] as number;
    if (c === QUOTE) break;
    // The escaped byte is part of the token (so `\"` does not end it).
    close += c === BACKSLASH ? 2 : 1;
  }
  hashBytes(bytes, from, close, tag);
  return close + 1;
}

/**
 * Hashes the scalar token (number, true, false, null, or bytes that are
 * none of them) at `at` into `value`: the bytes up to whitespace or
 * punctuation. The position after it, or -1 when there are none.
 */
function hashScalar(bytes: Uint8Array, at: number, end: number): number {
  let i = at;
  for (; i < end; i++) {
    const c = bytes[i] as number;
    if (c <= 0x20 || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON) break;
    if (c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET) return -1;
  }
  if (i === at) return -1;
  hashBytes(bytes, at, i, SCALAR_TAG);
  return i;
}

/** bytes[from, to) into `value`: two lanes over 4-byte words, then the last bytes, the length and the kind. */
function hashBytes(bytes: Uint8Array, from: number, to: number, tag: number): void {
  let h0 = seed0 ^ tag;
  let h1 = seed1;
  const n = to - from;
  const words = from + (n & ~3);
  let i = from;
  for (; i < words; i += 4) {
    const word =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    h0 = Math.imul(h0 ^ word, 0xcc9e2d51);
    h0 = (h0 << 15) | (h0 >>> 17);
    h1 = Math.imul(h1 ^ word, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
  }
  let tail = n;
  for (; i < to; i++) tail = (tail << 8) | (bytes[i] as number);
  value[0] = mix(h0 ^ tail ^ Math.imul(h1, 0x27d4eb2f));
  value[1] = mix(h1 ^ Math.imul(tail, 0x165667b1) ^ Math.imul(n, 0x9e3779b1) ^ tag);
}

/** Reads the member name at `at` and its colon; the position of its value, or -1. */
function readKey(bytes: Uint8Array, at: number, end: number, depth: number): number {
  if (at >= end || bytes[at] !== QUOTE) return -1;
  const after = hashString(bytes, at, end, KEY_TAG);
  if (after < 0) return -1;
  const base = (depth - 1) * 2;
  const k0 = value[0] as number;
  const k1 = value[1] as number;
  keys[base] = k0;
  keys[base + 1] = k1;
  pendingSet = depth === 1 && isSetCollection(k0, k1);
  const colon = skipSpace(bytes, after, end);
  if (colon >= end || bytes[colon] !== COLON) return -1;
  return skipSpace(bytes, colon + 1, end);
}

/**
 * Folds `value` into the container at `container`: an array's item changes
 * the chain it is folded into; an object's member (its name and value mixed,
 * so that swapping values between names counts) and a set's item are added
 * to a sum, whose order does not count.
 */
function foldValue(container: number): void {
  const base = container * 2;
  counts[container] = (counts[container] as number) + 1;
  const v0 = value[0] as number;
  const v1 = value[1] as number;
  const kind = kinds[container];
  if (kind === ARRAY) {
    const h0 = (lanes[base] as number) ^ v0;
    const h1 = (lanes[base + 1] as number) ^ v1;
    lanes[base] = Math.imul((h0 << 13) | (h0 >>> 19), 0xcc9e2d51) + 0x52dce729;
    lanes[base + 1] = Math.imul((h1 << 17) | (h1 >>> 15), 0x1b873593) + 0x38495ab5;
    return;
  }
  let a = v0;
  let b = v1;
  if (kind === OBJECT) {
    a ^= Math.imul(keys[base] as number, 0x85ebca6b);
    b ^= Math.imul(keys[base + 1] as number, 0xc2b2ae35);
  }
  const m0 = mix(a ^ Math.imul(b, 0x27d4eb2f));
  lanes[base] = ((lanes[base] as number) + m0) | 0;
  lanes[base + 1] = ((lanes[base + 1] as number) + mix(b ^ Math.imul(m0, 0x165667b1))) | 0;
}

/** The container at `depth` is complete: its hash goes to `value`. */
function closeContainer(depth: number): void {
  const tag = Math.imul((kinds[depth] as number) + 1, 0x3c6ef372) ^ (counts[depth] as number);
  const l0 = lanes[depth * 2] as number;
  const l1 = lanes[depth * 2 + 1] as number;
  value[0] = mix(l0 ^ Math.imul(l1, 0xd3a2646c) ^ tag);
  value[1] = mix(l1 ^ Math.imul(l0 ^ tag, 0xfd7046c5));
}

function isSetCollection(k0: number, k1: number): boolean {
  for (let k = 0; k < setKeys.length; k += 2) if (k0 === setKeys[k] && k1 === setKeys[k + 1]) return true;
  return false;
}

const hexBytes = Buffer.alloc(8);

/**
 * `value` as 16 hex digits, one flat string: built by `+`, it was a V8 cons
 * string over two halves (80 bytes instead of 32), and an ingest keeps one
 * per entity until its end.
 */
function hex(): string {
  hexBytes.writeUInt32BE((value[0] as number) >>> 0, 0);
  hexBytes.writeUInt32BE((value[1] as number) >>> 0, 4);
  return hexBytes.toString('hex');
}

function skipSpace(bytes: Uint8Array, at: number, end: number): number {
  while (at < end) {
    const c = bytes[at] as number;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return at;
    at += 1;
  }
  return at;
}

/** The two lanes of each set collection's name as a member name. */
const setKeys = new Int32Array(setCollections.size * 2);
for (const [k, name] of [...setCollections].entries()) {
  const token = new TextEncoder().encode(JSON.stringify(name));
  hashString(token, 0, token.length, KEY_TAG);
  setKeys.set(value, k * 2);
}
