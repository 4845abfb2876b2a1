import type { DataQualityProblem } from '../events/event-types.ts';
import { canonicalEntityJson } from './canonicalise.ts';
import { contentHash } from './content-hash.ts';
import { validateEntity } from './validate-entity.ts';

/** One element of `coveredEntities`, parsed, checked, canonicalised and hashed. */
export type SnapshotElement =
  | {
      kind: 'entity';
      index: number;
      offset: number;
      id340B: string;
      ceId: number;
      contentHash: string;
      canonicalJson: string;
      /** Hash of the element's bytes in the file (set by the reader; see rawHash). */
      rawHash?: string;
    }
  /** Byte-identical to the previous snapshot's element of this stream: same key, same content, not parsed. */
  | { kind: 'known'; index: number; offset: number; streamId: string; rawHash: string }
  | { kind: 'problem'; index: number; offset: number; problem: DataQualityProblem };

/**
 * Turns the JSON text of one element into a SnapshotElement. The splitter
 * only delimits the text; a parse failure here (a SyntaxError) is thrown to
 * the caller, which reports the snapshot as malformed.
 */
export function toSnapshotElement(text: string, index: number, offset: number): SnapshotElement {
  return snapshotElementOf(JSON.parse(text), index, offset, text);
}

/** A SnapshotElement from an element already parsed (by the benchmark's baseline readers). */
export function snapshotElementOf(
  value: unknown,
  index: number,
  offset: number,
  text?: string,
): SnapshotElement {
  const check = validateEntity(value, text);
  if (!check.ok) {
    const { ok: _ok, ...problem } = check;
    return { kind: 'problem', index, offset, problem: { ...problem, index, offset } };
  }
  const canonicalJson = canonicalEntityJson(value as Record<string, unknown>);
  return {
    kind: 'entity',
    index,
    offset,
    id340B: check.id340B,
    ceId: check.ceId,
    contentHash: contentHash(canonicalJson),
    canonicalJson,
  };
}
