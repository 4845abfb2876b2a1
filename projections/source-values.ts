import { OpaisError } from '../src/errors.ts';
import type { Cell } from './table-spec.ts';

/**
 * Source values → table cells (SPEC §4). Anything a table cannot hold
 * faithfully throws PROJECTION_FAILED: the projector stops at that event
 * rather than write a wrong row. Values come from canonical entities, where
 * null, "" and empty objects/arrays are already absent.
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

/** An integer id (contractId, pharmacyId) stored as text. */
export function idText(value: unknown, path: string): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw unprojectable(path, 'an integer', value);
  return String(value);
}

/** participating: "TRUE"/"FALSE" (any case) → Y/N. */
export function trueFalseFlag(value: unknown, path: string): Cell {
  const flag = text(value, path);
  if (flag === null) return null;
  const upper = flag.toUpperCase();
  if (upper === 'TRUE') return 'Y';
  if (upper === 'FALSE') return 'N';
  throw unprojectable(path, '"TRUE" or "FALSE"', value);
}

export function booleanFlag(value: unknown, path: string): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw unprojectable(path, 'a boolean', value);
  return value ? 'Y' : 'N';
}

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/**
 * A source timestamp (`2024-02-16T09:29:10.8756857`, 0–7 fractional digits,
 * no zone) as `2024-02-16 09:29:10.875685`: the 7th digit is dropped, not
 * rounded, and the fraction is always 6 digits so that a value read back
 * from PostgreSQL (to_char ... .US) compares equal as text. Impossible dates
 * are refused here: PostgreSQL would reject them (or, for second 60, shift
 * them), and the row would never compare equal again.
 */
export function sourceTimestamp(value: unknown, path: string): Cell {
  const raw = text(value, path);
  if (raw === null) return null;
  const match = timestampPattern.exec(raw);
  if (!match) throw unprojectable(path, 'a timestamp like 2024-02-16T09:29:10.8756857', value);
  const [, year, month, day, hour, minute, second, fraction = ''] = match as unknown as string[];
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const valid =
    y >= 1 &&
    m >= 1 &&
    m <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, m) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59;
  if (!valid) throw unprojectable(path, 'a valid date and time', value);
  return `${year}-${month}-${day} ${hour}:${minute}:${second}.${fraction.slice(0, 6).padEnd(6, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
