import type { Random } from './random.ts';

export const dayMs = 86_400_000;

/**
 * The export's timestamp: no zone, 0 to 7 fractional digits (.NET drops
 * trailing zeros, so a fraction never ends in 0). Most carry 7 digits, the
 * rest are spread so that readers meet every length.
 */
export function timestamp(random: Random, epochMs: number): string {
  const base = new Date(epochMs).toISOString().slice(0, 19);
  const digits = Number(random.weighted({ 7: 60, 6: 4, 5: 3, 4: 3, 3: 12, 2: 5, 1: 3, 0: 10 }));
  if (digits === 0) return base;
  return `${base}.${random.digits(digits - 1)}${random.int(1, 9)}`;
}

/** A date without time, as the export writes start, begin and termination dates. */
export function dateOnly(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 10)}T00:00:00`;
}

/** A random instant in [fromMs, toMs). */
export function between(random: Random, fromMs: number, toMs: number): number {
  return fromMs + Math.floor(random.next() * Math.max(1, toMs - fromMs));
}

export const epochOf = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`);
