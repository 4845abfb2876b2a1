import { OpaisError } from '../src/errors.ts';
import { isIdNumber, isSourceTimestamp, trueFalseFlagOf } from '../src/snapshot/source-value-rules.ts';
import type { Cell } from './table-spec.ts';

/**
 * Source values → table cells (docs/data-contract.md#the-tables, "Values"). A value of
 * the wrong type throws PROJECTION_FAILED: the projector stops at that event rather than write a
 * wrong row (the ingest refuses such entities, so only an event written
 * around it can hold one). Values come from canonical entities, where null,
 * "" and empty objects/arrays are already absent.
 */

function unprojectable(path: string, expected: string, value: unknown): OpaisError {
  return new OpaisError('PROJECTION_FAILED', `${path} must be ${expected}, got ${JSON.stringify(value)}`);
}

/** A member of an object, which must itself be an object when present. */
export function memberObject(
  parent: Record<string, unknown>,
  name: string,
  path: string,
): Record<string, unknown> {
  const value = parent[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw unprojectable(path, 'an object', value);
  return value as Record<string, unknown>;
}

/** A set member of the entity (an array of objects); absent is empty. */
export function memberObjects(parent: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const value = parent[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw unprojectable(name, 'an array', value);
  return value.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw unprojectable(`${name}[${index}]`, 'an object', item);
    }
    return item as Record<string, unknown>;
  });
}

export function text(value: unknown, path: string): Cell {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw unprojectable(path, 'a string', value);
  return value;
}

/**
 * Values of the right type that the ingest refuses since it checks them with
 * the projections' own rules (src/snapshot/source-value-rules.ts): an
 * impossible timestamp, a flag that is not TRUE/FALSE, an id beyond the safe
 * integers. Only a log written before that check can still hold one; it is
 * projected as NULL rather than stopping the projector for good (the event
 * keeps the value as it was).
 */

/** An integer id (contractId, pharmacyId) stored as text; NULL when not exact. */
export function idText(value: unknown, path: string): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') throw unprojectable(path, 'an integer', value);
  return isIdNumber(value) ? String(value) : null;
}

/** participating: "TRUE"/"FALSE" (any case) → Y/N, anything else NULL. */
export function trueFalseFlag(value: unknown, path: string): Cell {
  const flag = text(value, path);
  return flag === null ? null : (trueFalseFlagOf(flag) ?? null);
}

export function booleanFlag(value: unknown, path: string): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw unprojectable(path, 'a boolean', value);
  return value ? 'Y' : 'N';
}

/**
 * A source timestamp (`2024-02-16T09:29:10.8756857`, 0–7 fractional digits,
 * no zone) as `2024-02-16 09:29:10.875685`: the 7th digit is dropped, not
 * rounded, and the fraction is always 6 digits so that a value read back
 * from PostgreSQL (to_char ... .US) compares equal as text. One that does
 * not exist is NULL.
 */
export function sourceTimestamp(value: unknown, path: string): Cell {
  const raw = text(value, path);
  if (raw === null || !isSourceTimestamp(raw)) return null;
  const fraction = raw.slice(20, 26);
  return `${raw.slice(0, 10)} ${raw.slice(11, 19)}.${fraction.padEnd(6, '0')}`;
}
