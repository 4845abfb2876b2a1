/**
 * What a source value must be for the projections to turn it into a cell.
 * One rule for both sides: the ingest refuses an entity that breaks it (a
 * data-quality problem), so every projector can apply whatever the ingest
 * accepted (docs/projections.md).
 */

/**
 * A source timestamp such as `2024-02-16T09:29:10.8756857` (0–7 fractional
 * digits, no zone) that exists: month 1–12, a day the month has, hour ≤ 23,
 * minute and second ≤ 59, year ≥ 1. PostgreSQL refuses the others (or, for
 * second 60, shifts them, and the row would never compare equal again).
 * Written by hand: the regex engine made up a third of the ingest check's
 * cost (several timestamps per contract pharmacy).
 */
export function isSourceTimestamp(text: string): boolean {
  const n = text.length;
  if (n < 19 || n === 20 || n > 27) return false;
  const wellFormed =
    digits(text, 0, 4) &&
    text.charCodeAt(4) === 0x2d &&
    digits(text, 5, 7) &&
    text.charCodeAt(7) === 0x2d &&
    digits(text, 8, 10) &&
    text.charCodeAt(10) === 0x54 &&
    digits(text, 11, 13) &&
    text.charCodeAt(13) === 0x3a &&
    digits(text, 14, 16) &&
    text.charCodeAt(16) === 0x3a &&
    digits(text, 17, 19) &&
    (n === 19 || (text.charCodeAt(19) === 0x2e && digits(text, 20, n)));
  if (!wellFormed) return false;
  const year = number(text, 0, 4);
  const month = number(text, 5, 7);
  const day = number(text, 8, 10);
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    number(text, 11, 13) <= 23 &&
    number(text, 14, 16) <= 59 &&
    number(text, 17, 19) <= 59
  );
}

/** `participating`: "TRUE"/"FALSE" in any case → Y/N; anything else has no flag. */
export function trueFalseFlagOf(text: string): 'Y' | 'N' | undefined {
  const upper = text.toUpperCase();
  return upper === 'TRUE' ? 'Y' : upper === 'FALSE' ? 'N' : undefined;
}

/** An integer id (contractId, pharmacyId): exact as a JavaScript number, so its text is the source's. */
export function isIdNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function digits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function number(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 0x30;
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
