import { CanonicalSink } from './canonical-sink.ts';
import { layoutFreeHash } from './layout-free-hash.ts';
import { invalidUtf8Offset, jsonErrorPosition, utf8Length } from './locate-malformation.ts';
import { type EntityElement, type SnapshotElement, toSnapshotElement } from './snapshot-element.ts';
import type { SplitElement } from './split-covered-entities.ts';

/**
 * Consecutive elements of `coveredEntities` packed into one buffer, so that
 * a batch moves to a worker thread as one transfer (no copy, no per-element
 * message).
 */
export interface ElementBatch {
  /** Index of each element in `coveredEntities` (not consecutive when known elements were left out). */
  indices: Float64Array;
  /** The elements' bytes, back to back. */
  bytes: Uint8Array;
  /** End of each element in `bytes` (its start is the previous end). */
  ends: Uint32Array;
  /** Document offset of each element. */
  offsets: Float64Array;
  /** Each element's members (see SplitElement). */
  members: Float64Array;
  /** 1 where an element has a long number (see SplitElement). */
  longNumbers: Uint8Array;
}

/** Where an element is broken, to become a snapshotMalformed error with the file name. */
export interface ElementFault {
  index: number;
  offset: number;
  reason: string;
}

/** An entity as it leaves processElements: its canonical JSON ends at `canonicalEnd` in the batch's bytes. */
export type WireEntity = Omit<EntityElement, 'canonical'> & { canonicalEnd: number };
export type WireElement = Exclude<SnapshotElement, EntityElement> | WireEntity;

export type BatchResult =
  | {
      ok: true;
      elements: WireElement[];
      /** The entities' canonical JSON, back to back (see CanonicalSink). */
      canonical: Uint8Array;
    }
  | { ok: false; fault: ElementFault };

/**
 * `allocate` gives the buffer for the elements' bytes, at least `size` long:
 * its own ArrayBuffer (never a slice of Node's shared pool), since it is
 * transferred; element-workers.ts passes one that came back from a worker.
 */
export function packBatch(
  elements: readonly SplitElement[],
  allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): ElementBatch {
  let total = 0;
  for (const element of elements) total += element.bytes.length;
  const bytes = allocate(total).subarray(0, total);
  const ends = new Uint32Array(elements.length);
  const offsets = new Float64Array(elements.length);
  const indices = new Float64Array(elements.length);
  const members = new Float64Array(elements.length);
  const longNumbers = new Uint8Array(elements.length);
  let end = 0;
  for (let k = 0; k < elements.length; k++) {
    const element = elements[k] as SplitElement;
    bytes.set(element.bytes, end);
    end += element.bytes.length;
    ends[k] = end;
    offsets[k] = element.offset;
    indices[k] = element.index;
    members[k] = element.members;
    longNumbers[k] = element.longNumbers ? 1 : 0;
  }
  return { indices, bytes, ends, offsets, members, longNumbers };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The elements of a batch that came from another thread, their bytes viewed in the batch's buffer. */
function unpackBatch(batch: ElementBatch): SplitElement[] {
  const elements: SplitElement[] = [];
  let start = 0;
  for (let k = 0; k < batch.ends.length; k++) {
    const end = batch.ends[k] as number;
    elements.push({
      index: batch.indices[k] as number,
      offset: batch.offsets[k] as number,
      bytes: Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset + start, end - start),
      members: batch.members[k] as number,
      longNumbers: batch.longNumbers[k] === 1,
    });
    start = end;
  }
  return elements;
}

/** A batch that came from another thread, processed (see processElements); `spare`: see CanonicalSink. */
export function processBatch(batch: ElementBatch, spare?: ArrayBuffer): BatchResult {
  return processElements(unpackBatch(batch), spare);
}

/** The layout-free hash (see layoutFreeHash) of each element of a batch that came from another thread. */
export function batchLayoutFreeHashes(batch: ElementBatch): Array<string | undefined> {
  return unpackBatch(batch).map((element) => layoutFreeHash(element.bytes));
}

/** Decodes (strict UTF-8), parses, checks, canonicalises and hashes each element; stops at the first fault. */
export function processElements(split: readonly SplitElement[], spare?: ArrayBuffer): BatchResult {
  const elements: WireElement[] = [];
  let bytes = 0;
  for (const element of split) bytes += element.bytes.length;
  const sink = new CanonicalSink(bytes, spare);
  for (const { index, offset, bytes, members, longNumbers } of split) {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return {
        ok: false,
        fault: { index, offset: offset + (invalidUtf8Offset(bytes) ?? 0), reason: 'invalid UTF-8' },
      };
    }
    try {
      const element = toSnapshotElement(text, index, offset, { members, longNumbers }, sink);
      if (element.kind === 'entity') {
        const { canonical: _written, ...entity } = element;
        elements.push({ ...entity, canonicalEnd: sink.length });
      } else elements.push(element);
    } catch (error) {
      // A RangeError is nesting deeper than the stack: as unreadable as a syntax error.
      if (error instanceof RangeError)
        return { ok: false, fault: { index, offset, reason: `cannot be read: ${error.message}` } };
      if (!(error instanceof SyntaxError)) throw error;
      const position = jsonErrorPosition(text, error);
      return {
        ok: false,
        fault: {
          index,
          offset: offset + (position === undefined ? 0 : utf8Length(text, position)),
          reason: `not valid JSON: ${error.message}`,
        },
      };
    }
  }
  return { ok: true, elements, canonical: sink.take() };
}
