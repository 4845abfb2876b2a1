/**
 * SPEC §2 canonical form. Members that are null, "", [] or {} are absent;
 * members are sorted; the four child collections are sets (sorted by their
 * canonical JSON, exact duplicates once). Strings are kept as they are.
 *
 * Rebuilding the value with sorted keys and handing it to native
 * JSON.stringify is 3-6x faster than the stable-stringify packages (measured
 * for the project brief); only the top level is serialised by hand, so that
 * set members are stringified once (to sort them) and not again.
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
    const keys = Object.keys(source).sort();
    let result: Record<string, unknown> | undefined;
    for (const key of keys) {
      const canonical = canonicalValue(source[key]);
      if (canonical === undefined) continue;
      result ??= {};
      result[key] = canonical;
    }
    return result;
  }
  return value;
}

/** The canonical JSON text of an entity object (the input of the content hash and the events' `entity`). */
export function canonicalEntityJson(entity: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(entity).sort()) {
    const json = setCollections.has(key) ? canonicalSetJson(entity[key]) : canonicalJson(entity[key]);
    if (json !== undefined) parts.push(`${JSON.stringify(key)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}

function canonicalJson(value: unknown): string | undefined {
  const canonical = canonicalValue(value);
  return canonical === undefined ? undefined : JSON.stringify(canonical);
}

function canonicalSetJson(value: unknown): string | undefined {
  if (!Array.isArray(value)) return canonicalJson(value);
  const members = new Set<string>();
  for (const item of value) {
    const json = canonicalJson(item);
    if (json !== undefined) members.add(json);
  }
  if (members.size === 0) return undefined;
  // Code-unit order: deterministic and locale-free.
  return `[${[...members].sort().join(',')}]`;
}
