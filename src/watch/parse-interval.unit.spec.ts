import { describe, expect, it } from 'vitest';
import { parseInterval } from './parse-interval.ts';

describe('parseInterval', () => {
  it('reads durations with a unit, bare numbers as seconds', () => {
    expect(parseInterval('60s')).toBe(60_000);
    expect(parseInterval('5m')).toBe(300_000);
    expect(parseInterval('1h')).toBe(3_600_000);
    expect(parseInterval('250ms')).toBe(250);
    expect(parseInterval('90')).toBe(90_000);
  });

  it('refuses nonsense and intervals too short to be meant', () => {
    expect(() => parseInterval('soon')).toThrow(/not an interval/);
    expect(() => parseInterval('5ms')).toThrow(/at least 100ms/);
  });
});
