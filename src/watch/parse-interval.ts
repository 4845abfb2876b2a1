import { OpaisError } from '../errors.ts';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `60s`, `5m`, `1h`, or a bare number of seconds → milliseconds. */
export function parseInterval(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const milliseconds = match ? Number(match[1]) * (units[match[2] ?? 's'] as number) : Number.NaN;
  if (!(milliseconds >= 100)) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `not an interval of at least 100ms (e.g. 60s, 5m, 1h): ${value}`,
    );
  }
  return milliseconds;
}
