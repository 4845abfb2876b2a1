/**
 * The canonical form (docs/data-contract.md#identity-and-equality). Members that
 * are null, "", [] or {} are absent; members are sorted; the four child collections are sets (sorted by their
 * canonical JSON, exact duplicates once). Strings are kept as they are.
 *
 * canonicalEntityJson writes the JSON text directly while walking the parsed
 * value, instead of rebuilding sorted objects for JSON.stringify (which is
 * how canonicalValue does it): ≈ 2.5× less CPU, on the reader's biggest
 * stage after JSON.parse (docs/performance.md). The objects of an export have a few thousand member
 * orders, so the sorted order of each is remembered rather than sorting
 * every object's keys again. Keys are sorted by UTF-16 code units at every
 * level (so integer-like keys too, unlike an object's own property order).
 */
export const setCollections: ReadonlySet<string> = new Set([
  'contractPharmacies',
  'medicaidNumbers',
  'npiNumbers',
  'shippingAddresses',
]);

/** The canonical value, or undefined when it is absent. */
export function canonicalValue(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const canonical = canonicalValue(item);
      if (canonical !== undefined) items.push(canonical);
    }
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const source = value as Record<string, unknown>;
    let result: Record<string, unknown> | undefined;
    for (const key of sortedKeys(source)) {
      const canonical = canonicalValue(source[key]);
      if (canonical === undefined) continue;
      result ??= {};
      result[key] = canonical;
    }
    return result;
  }
  return value;
}

/**
 * The canonical JSON text of an entity object (the input of the content
 * hash and the events' `entity`): JSON.stringify of its canonicalValue, with
 * the set collections' members sorted (code-unit order: deterministic and
 * locale-free) and deduplicated.
 */
export function canonicalEntityJson(entity: Record<string, unknown>): string {
  membersWalked = 0;
  const order = keyOrderOf(entity);
  const values = Object.values(entity);
  const { positions, sets, openers, separators } = order;
  let out = '';
  for (let i = 0; i < positions.length; i++) {
    const value = values[positions[i] as number];
    const json = sets[i] ? setJson(value) : valueJson(value);
    if (json === undefined) continue;
    out = out === '' ? (openers[i] as string) + json : out + (separators[i] as string) + json;
  }
  return out === '' ? '{}' : `${out}}`;
}

/** JSON.stringify(canonicalValue(value)), written in one pass. */
function valueJson(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  switch (typeof value) {
    case 'string':
      return quoted(value);
    case 'object':
      return Array.isArray(value) ? arrayJson(value) : objectJson(value as Record<string, unknown>);
    default:
      return JSON.stringify(value);
  }
}

function arrayJson(items: unknown[]): string | undefined {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const json = valueJson(items[i]);
    if (json === undefined) continue;
    out = out === '' ? `[${json}` : `${out},${json}`;
  }
  return out === '' ? undefined : `${out}]`;
}

function objectJson(object: Record<string, unknown>): string | undefined {
  const { positions, openers, separators } = keyOrderOf(object);
  const values = Object.values(object);
  let out = '';
  for (let i = 0; i < positions.length; i++) {
    const json = valueJson(values[positions[i] as number]);
    if (json === undefined) continue;
    out = out === '' ? (openers[i] as string) + json : out + (separators[i] as string) + json;
  }
  return out === '' ? undefined : `${out}}`;
}

function setJson(value: unknown): string | undefined {
  if (!Array.isArray(value)) return valueJson(value);
  const members: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const json = valueJson(value[i]);
    if (json !== undefined) members.push(json);
  }
  if (members.length === 0) return undefined;
  members.sort();
  let out = `[${members[0]}`;
  for (let i = 1; i < members.length; i++) {
    if (members[i] !== members[i - 1]) out += `,${members[i]}`;
  }
  return `${out}]`;
}

/** JSON.stringify(text), skipping the native call for the common string that needs no escape. */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * A member order met in the data (as Object.keys gives it), with what
 * writing an object of that order needs, in sorted key order.
 */
interface KeyOrder {
  /** The keys in the order met. */
  keys: string[];
  /** Sorted keys. */
  sorted: string[];
  /** For each sorted key, its position in Object.values (cheaper than a lookup by name). */
  positions: number[];
  /** For each sorted key, whether it is a set collection (used at the entity level only). */
  sets: boolean[];
  /** `{"key":` and `,"key":` for each sorted key. */
  openers: string[];
  separators: string[];
}

/**
 * Member orders met so far, as a trie on their keys (a few thousand in a
 * full export, tens of thousands of nodes). A node gets its map only when it
 * has a child: most are the ends of orders.
 */
interface KeyOrderNode {
  next: Map<string, KeyOrderNode> | undefined;
  order: KeyOrder | undefined;
}

const keyOrders: KeyOrderNode = { next: undefined, order: undefined };
let keyOrderNodes = 0;
/** A hostile file could have endless member orders: past this, orders are worked out afresh each time. */
const keyOrderNodesKept = 100_000;

/**
 * Members of all the objects the last canonicalEntityJson walked (empty
 * ones too): set by the walk, so that counting them costs nothing extra.
 */
let membersWalked = 0;

/** How many members the objects of the entity last given to canonicalEntityJson hold, all levels. */
export function lastEntityMembers(): number {
  return membersWalked;
}

/**
 * The last few orders found, tried before the trie: an export's objects come
 * in runs of the same few shapes (a pharmacy, its address, the next
 * pharmacy), and comparing the keys (interned strings) costs less than a
 * map lookup per key (finding an order: 0.75 → 0.44 s of CPU over five single-thread passes
 * of 60 MB of a re-rendered export, profiled).
 */
const recentOrders: KeyOrder[] = [];
const recentOrdersKept = 4;
let recentNext = 0;

function keyOrderOf(object: object): KeyOrder {
  const keys = Object.keys(object);
  membersWalked += keys.length;
  for (let r = 0; r < recentOrders.length; r++) {
    const order = recentOrders[r] as KeyOrder;
    if (sameKeys(order.keys, keys)) return order;
  }
  const order = orderInTrie(keys);
  recentOrders[recentNext] = order;
  recentNext = (recentNext + 1) % recentOrdersKept;
  return order;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function orderInTrie(keys: string[]): KeyOrder {
  let node = keyOrders;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    let next = node.next?.get(key);
    if (next === undefined) {
      if (keyOrderNodes === keyOrderNodesKept) return newKeyOrder(keys);
      next = { next: undefined, order: undefined };
      node.next ??= new Map();
      node.next.set(key, next);
      keyOrderNodes++;
    }
    node = next;
  }
  node.order ??= newKeyOrder(keys);
  return node.order;
}

function newKeyOrder(keys: string[]): KeyOrder {
  const sorted = [...keys].sort();
  const prefixes = sorted.map(prefixesOf);
  return {
    keys,
    sorted,
    positions: sorted.map((key) => keys.indexOf(key)),
    sets: sorted.map((key) => setCollections.has(key)),
    openers: prefixes.map((prefix) => prefix.opener),
    separators: prefixes.map((prefix) => prefix.separator),
  };
}

/**
 * `{"key":` and `,"key":` of each member name, made once per name and shared
 * by every order that holds it, as flat strings (a template literal makes a
 * rope of three). Made per order, a day 0's worker held ≈ 80,000 copies of
 * a few thousand names (heap snapshot).
 */
const memberPrefixes = new Map<string, { opener: string; separator: string }>();

function prefixesOf(key: string): { opener: string; separator: string } {
  let prefixes = memberPrefixes.get(key);
  if (prefixes === undefined) {
    const name = JSON.stringify(key);
    prefixes = { opener: ['{', name, ':'].join(''), separator: [',', name, ':'].join('') };
    // Bounded like the trie: a hostile file could have endless names.
    if (memberPrefixes.size < keyOrderNodesKept) memberPrefixes.set(key, prefixes);
  }
  return prefixes;
}

/** Object.keys(object).sort(), remembered per member order. */
function sortedKeys(object: object): string[] {
  return keyOrderOf(object).sorted;
}
