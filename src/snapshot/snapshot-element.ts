import type { DataQualityProblem } from '../events/event-types.ts';
import type { CanonicalSink } from './canonical-sink.ts';
import { canonicalEntityJson, lastEntityMembers } from './canonicalise.ts';
import { contentHashOfUtf8 } from './content-hash.ts';
import { findAlteredValue } from './find-altered-value.ts';
import { validateEntity } from './validate-entity.ts';

/** One element of `coveredEntities`, parsed, checked, canonicalised and hashed. */
export type SnapshotElement =
  | EntityElement
  /**
   * The previous snapshot's element of this stream, byte for byte or laid
   * out anew (see layoutFreeHash): same key, same content, not parsed.
   * `rawHash`: this element's.
   */
  | { kind: 'known'; index: number; offset: number; streamId: string; rawHash: string }
  | { kind: 'problem'; index: number; offset: number; problem: DataQualityProblem };

export interface EntityElement {
  kind: 'entity';
  index: number;
  offset: number;
  id340B: string;
  ceId: number;
  contentHash: string;
  /** Its canonical JSON as UTF-8 (what contentHash hashes and the events carry). */
  canonical: Uint8Array;
  /** Hash of the element's bytes in the file (set by the reader; see rawHash). */
  rawHash?: string;
  /** Hash of its value, whatever the layout (see layoutFreeHash); absent when its bytes break the grammar. */
  layoutFreeHash?: string;
}

/** What the splitter found in an element's bytes (see SplitElement). */
export interface ElementTraits {
  members: number;
  longNumbers: boolean;
}

/**
 * Turns the JSON text of one element into a SnapshotElement. The splitter
 * only delimits the text; a parse failure here (a SyntaxError) is thrown to
 * the caller, which reports the snapshot as malformed. An entity whose
 * parsed value is not what its text says (a repeated name, fewer members
 * than the splitter counted; a number that does not read back as written)
 * becomes a data-quality problem instead of an altered entity.
 */
export function toSnapshotElement(
  text: string,
  index: number,
  offset: number,
  traits: ElementTraits,
  sink?: CanonicalSink,
): SnapshotElement {
  const element = snapshotElementOf(JSON.parse(text), index, offset, text, sink);
  const suspect = traits.longNumbers || (element.kind === 'entity' && lastEntityMembers() !== traits.members);
  if (!suspect) return element;
  const altered = findAlteredValue(text);
  if (!altered) return element;
  const key: { id340B?: string; ceId?: number } =
    element.kind === 'entity' ? element : element.kind === 'problem' ? element.problem : {};
  // A key that is itself the altered value is not named: which value it has is the question.
  const alteredKey = /^(ceId|id340B)\b/.exec(altered.message)?.[1];
  const problem: DataQualityProblem = {
    code: altered.code,
    index,
    offset,
    ...(alteredKey !== 'id340B' && key.id340B !== undefined ? { id340B: key.id340B } : {}),
    ...(alteredKey !== 'ceId' && key.ceId !== undefined ? { ceId: key.ceId } : {}),
    message: altered.message,
  };
  return { kind: 'problem', index, offset, problem };
}

/**
 * A SnapshotElement from an element already parsed (also by the benchmark's
 * baseline readers), given its text when there is one (see validateEntity).
 * With a sink, the canonical JSON's UTF-8 bytes are written there and hashed
 * from there; `canonical` is then a view of the sink's buffer, valid until
 * its next write.
 */
export function snapshotElementOf(
  value: unknown,
  index: number,
  offset: number,
  text?: string,
  sink?: CanonicalSink,
): SnapshotElement {
  const check = validateEntity(value, text);
  if (!check.ok) {
    const { ok: _ok, ...problem } = check;
    return { kind: 'problem', index, offset, problem: { ...problem, index, offset } };
  }
  const canonicalJson = canonicalEntityJson(value as Record<string, unknown>);
  const canonical = sink ? sink.write(canonicalJson) : Buffer.from(canonicalJson, 'utf8');
  return {
    kind: 'entity',
    index,
    offset,
    id340B: check.id340B,
    ceId: check.ceId,
    contentHash: contentHashOfUtf8(canonical),
    canonical,
  };
}
