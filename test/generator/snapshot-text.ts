import type { JsonObject } from './render-entity.ts';

export interface SnapshotFormat {
  /** No whitespace at all (default: pretty-printed, two-space indent). */
  minified?: boolean;
  /** Start with a UTF-8 byte-order mark. */
  bom?: boolean;
  /**
   * Root members besides `coveredEntities` (docs/data-contract.md#the-source: they may appear and are
   * ignored): an `exportDate` before the array and a `recordCount` after it.
   * Default true.
   */
  rootMembers?: boolean;
}

/**
 * The text of a snapshot document, one piece per entity, so a writer can
 * stream a 300 MB file without ever holding it. `exportDate` is the as-of
 * written the export's way (no zone).
 */
export function* snapshotChunks(
  entities: Iterable<JsonObject>,
  asOf: string,
  format: SnapshotFormat = {},
): Generator<string> {
  const pretty = !format.minified;
  const rootMembers = format.rootMembers ?? true;
  const newline = pretty ? '\n' : '';
  const space = pretty ? ' ' : '';
  const member = (name: string, value: unknown) =>
    `${pretty ? '  ' : ''}${JSON.stringify(name)}:${space}${JSON.stringify(value)}`;
  let head = `${format.bom ? '\uFEFF' : ''}{${newline}`;
  if (rootMembers) head += `${member('exportDate', asOf.replace(/Z$/, ''))},${newline}`;
  head += `${pretty ? '  ' : ''}"coveredEntities":${space}[`;
  yield head;
  let count = 0;
  for (const entity of entities) {
    const text = pretty
      ? `    ${JSON.stringify(entity, null, 2).replaceAll('\n', '\n    ')}`
      : JSON.stringify(entity);
    yield `${count === 0 ? newline : `,${newline}`}${text}`;
    count++;
  }
  let tail = count === 0 ? ']' : `${newline}${pretty ? '  ' : ''}]`;
  if (rootMembers) tail += `,${newline}${member('recordCount', count)}`;
  yield `${tail}${newline}}${newline}`;
}
