import { OpaisError } from '../errors.ts';

/** `YYYY-MM-DD`, or an ISO 8601 instant (UTC when it has no zone). The schema checks this shape first. */
export const asOfPattern =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?)?$';

/**
 * The instant an `asOf` parameter stands for, as text PostgreSQL reads as a
 * timestamptz with microsecond precision (a JS Date would cut it to ms). A
 * date means the end of that day in UTC, so "as of 2024-03-05" includes that
 * day's snapshot whatever its time.
 */
export function parseAsOfParam(value: string, where: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const instant = dateOnly ? `${value}T23:59:59.999999Z` : hasZone ? value : `${value}Z`;
  const parsed = new Date(instantMillis(instant));
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  const realDay =
    calendarDay.getUTCFullYear() === year &&
    calendarDay.getUTCMonth() === month - 1 &&
    calendarDay.getUTCDate() === day;
  if (Number.isNaN(parsed.getTime()) || !realDay) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `${where}: ${JSON.stringify(value)} is not a valid date or instant`,
      {
        place: where,
      },
    );
  }
  return instant;
}

/** An instant's milliseconds since the epoch, digits past the millisecond cut off (NaN if it is not one). */
export function instantMillis(instant: string): number {
  return Date.parse(instant.replace(/(\.\d{3})\d+/, '$1'));
}

/** The start of a range: like `parseAsOfParam`, but a date means the start of that day (UTC). */
export function parseRangeStartParam(value: string, where: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? parseAsOfParam(`${value}T00:00:00Z`, where)
    : parseAsOfParam(value, where);
}
