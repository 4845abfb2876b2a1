import type { DataQualityProblem } from '../events/event-types.ts';

/**
 * What PostgreSQL can hold, checked before an entity reaches it: one value
 * past a limit would otherwise fail the whole snapshot's transaction, and
 * the same entity comes back in every daily export. Each limit is derived
 * from the store's own (docs/reliability.md lists them).
 */

/**
 * A btree index entry is at most 2704 bytes (a third of an 8 KiB page, less
 * headers). The widest key built from an entity is the shipping-address
 * table's (id340b, ce_id and eight address columns); allowing 4 bytes of
 * length header and up to 3 of alignment per column, the tuple header and
 * the heap pointer, the text of one key's columns must stay within 2560
 * bytes. Counted uncompressed: whether PostgreSQL's compression of a long
 * key would make it fit is not something to bet the snapshot on.
 */
export const maxIndexKeyBytes = 2560;

/**
 * The search index holds to_tsvector(name || ' ' || subName), and a tsvector
 * is at most 1 MiB. Each distinct word costs at most about 5 times its text
 * (a 4-byte entry, padding, a position count and a 2-byte position for a
 * one-letter word and its separator), so 200,000 bytes of text always fit.
 */
export const maxSearchTextBytes = 200_000;

/**
 * A jsonb value is at most 2^28 - 1 bytes (its offsets have 28 bits). The
 * entity's binary size is bounded by its strings' UTF-8 bytes plus 32 bytes
 * per value and member name (entry, header, padding, a number's digits);
 * that bound must stay below 255 MiB, leaving room for the event's other
 * members.
 */
export const maxEntityBytes = 255 * 1024 * 1024;

/**
 * Nesting depth: PostgreSQL parses jsonb recursively and stops at its stack
 * limit (about 12,000 levels with the default 2 MB max_stack_depth); an
 * export's entities nest four levels deep.
 */
export const maxDepth = 1000;

type Problem = { code: DataQualityProblem['code']; message: string };

/**
 * The first thing about the entity that PostgreSQL could not store or index,
 * if any. Given the element's JSON text, the walk over every value (the
 * ingest's hot path) is skipped when the text rules its problems out: U+0000
 * and lone surrogates can only be written as \u escapes (as raw bytes they
 * are not JSON or not UTF-8); a value cannot nest deeper than the text has
 * brackets; and the jsonb size bound grows by at most 35 bytes a character
 * (32 for a one-character value, 3 for its UTF-8).
 */
export function storageProblem(entity: Record<string, unknown>, text?: string): Problem | undefined {
  const walk =
    text === undefined ||
    text.includes('\\u') ||
    text.length * 35 > maxEntityBytes ||
    moreBracketsThan(text, maxDepth);
  return (walk ? unstorable(entity) : undefined) ?? overIndexLimits(entity);
}

function moreBracketsThan(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      if (++count > limit) return true;
    }
  }
  return false;
}

/**
 * U+0000 (text and jsonb cannot hold it) or a lone surrogate (not Unicode;
 * jsonb refuses it), in any member or member name. The walk only counts and
 * tests (the ingest's hot path: a path string per value would cost more than
 * the check); the path is found by a second walk when something is wrong.
 */
function unstorable(entity: Record<string, unknown>): Problem | undefined {
  let bytes = 0;
  let bad = false;
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit; exact counts are taken only when the bound gets close.
      bytes += 3 * value.length + 32;
      if (!storableText(value)) bad = true;
      return;
    }
    bytes += 32;
    if (value === null || typeof value !== 'object') return;
    if (depth > maxDepth) {
      bad = true;
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && !bad; i++) visit(value[i], depth + 1);
      return;
    }
    for (const name in value) {
      if (!storableText(name)) bad = true;
      bytes += 3 * name.length;
      visit((value as Record<string, unknown>)[name], depth + 1);
      if (bad) return;
    }
  };
  visit(entity, 0);
  if (bad) return locate(entity, '', 0);
  if (bytes > maxEntityBytes && exactBytes(entity) > maxEntityBytes) {
    return {
      code: 'NOT_STORABLE',
      message: `the entity is larger than jsonb can hold (more than ${maxEntityBytes} bytes)`,
    };
  }
  return undefined;
}

// String.prototype.isWellFormed (ES2024, Node 20+): native, several times faster than a /\p{Cs}/u test.
type Es2024String = string & { isWellFormed(): boolean };

function storableText(text: string): boolean {
  return (text as Es2024String).isWellFormed() && !text.includes('\0');
}

/** The first unstorable string or too-deep value, named by its path. */
function locate(value: unknown, path: string, depth: number): Problem | undefined {
  if (typeof value === 'string') return storableText(value) ? undefined : characterProblem(value, path);
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > maxDepth)
    return { code: 'NOT_STORABLE', message: `${path} nests deeper than ${maxDepth} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = locate(value[i], `${path}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const name in value) {
    const member = path ? `${path}.${name}` : name;
    if (!storableText(name))
      return characterProblem(name, `the member name ${JSON.stringify(member.slice(0, 80))}`);
    const problem = locate((value as Record<string, unknown>)[name], member, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function characterProblem(text: string, path: string): Problem {
  const found = /[\0\p{Cs}]/u.exec(text) as RegExpExecArray;
  const what =
    found[0] === '\0'
      ? 'U+0000'
      : `a lone surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()})`;
  return { code: 'NOT_STORABLE', message: `${path} contains ${what}, which PostgreSQL cannot store` };
}

/** The bound again, with each string's real UTF-8 length. */
function exactBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value) + 32;
  if (value === null || typeof value !== 'object') return 32;
  let bytes = 0;
  if (Array.isArray(value)) for (const item of value) bytes += exactBytes(item);
  else
    for (const [name, member] of Object.entries(value))
      bytes += Buffer.byteLength(name) + 32 + exactBytes(member);
  return bytes;
}

/** Address members that make the shipping-address key, with id340b and ce_id. */
const shippingKeyMembers = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'state', 'zip', 'zip4'];

/**
 * The index keys and the search text that the entity's values make, each
 * within its limit. Bounded first without measuring (3 bytes per UTF-16 unit
 * at most) and without building anything: nearly every key is far below the
 * limit, and this runs for every entity.
 */
function overIndexLimits(entity: Record<string, unknown>): Problem | undefined {
  const id = 3 * textLength(entity.id340B);
  let worst = id + 3 * textLength(member(entity.streetAddress, 'state'));
  for (const [list, first, second] of [
    [entity.medicaidNumbers, 'medicaidNumber', 'state'],
    [entity.npiNumbers, 'npiNumber', 'state'],
  ] as const) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      worst = Math.max(worst, id + 3 * (textLength(member(item, first)) + textLength(member(item, second))));
    }
  }
  if (Array.isArray(entity.shippingAddresses)) {
    for (const address of entity.shippingAddresses) {
      let bytes = id;
      for (const name of shippingKeyMembers) bytes += 3 * textLength(member(address, name));
      worst = Math.max(worst, bytes);
    }
  }
  const search = 3 * (textLength(entity.name) + textLength(entity.subName));
  if (worst <= maxIndexKeyBytes && search <= maxSearchTextBytes) return undefined;
  return measuredOverLimits(entity);
}

/** The same limits, measured exactly, naming the first key or text over its limit. */
function measuredOverLimits(entity: Record<string, unknown>): Problem | undefined {
  const idBytes = utf8(entity.id340B);
  const key = (path: string, values: unknown[]): Problem | undefined => {
    const total = idBytes + values.reduce<number>((sum, value) => sum + utf8(value), 0);
    return total > maxIndexKeyBytes
      ? {
          code: 'NOT_STORABLE',
          message: `${path} is ${total} bytes long with the id340B, more than an index entry can hold (${maxIndexKeyBytes})`,
        }
      : undefined;
  };
  const problem =
    key('id340B', []) ??
    key('streetAddress.state', [member(entity.streetAddress, 'state')]) ??
    items(entity.medicaidNumbers, 'medicaidNumbers', (item, path) =>
      key(`${path}.medicaidNumber and .state`, [item.medicaidNumber, item.state]),
    ) ??
    items(entity.npiNumbers, 'npiNumbers', (item, path) =>
      key(`${path}.npiNumber and .state`, [item.npiNumber, item.state]),
    ) ??
    items(entity.shippingAddresses, 'shippingAddresses', (item, path) =>
      key(
        `${path} (its address lines, city, state, zip and zip4)`,
        shippingKeyMembers.map((name) => item[name]),
      ),
    );
  if (problem) return problem;
  const searchText = utf8(entity.name) + utf8(entity.subName);
  if (searchText > maxSearchTextBytes) {
    return {
      code: 'NOT_STORABLE',
      message: `name and subName are ${searchText} bytes long, more than the full-text search index takes (${maxSearchTextBytes})`,
    };
  }
  return undefined;
}

function items(
  value: unknown,
  path: string,
  check: (item: Record<string, unknown>, path: string) => Problem | undefined,
): Problem | undefined {
  if (!Array.isArray(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (item === null || typeof item !== 'object') continue;
    const problem = check(item as Record<string, unknown>, `${path}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

function member(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

function utf8(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : 0;
}
