import { START } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { readStartAfter, toGlobalPosition } from './position.ts';

describe('KurrentDB positions', () => {
  it('uses the commit position of a one-event append as the global position', () => {
    expect(toGlobalPosition({ commit: 20_361n, prepare: 20_361n }, 'x')).toBe(20_361);
    expect(toGlobalPosition({ commit: 2n ** 53n - 1n, prepare: 2n ** 53n - 1n }, 'x')).toBe(2 ** 53 - 1);
  });

  it('refuses what it cannot turn into one number, saying where', () => {
    expect(() => toGlobalPosition(undefined, 'coveredEntity-A.1@0')).toThrow(
      /coveredEntity-A\.1@0: the server did not report the event's \$all position/,
    );
    expect(() => toGlobalPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n }, 'x')).toThrow(
      /did not report/,
    );
    expect(() => toGlobalPosition({ commit: 100n, prepare: 80n }, 'x')).toThrow(/multi-event transaction/);
    expect(() => toGlobalPosition({ commit: 2n ** 53n, prepare: 2n ** 53n }, 'x')).toThrow(/beyond 2\^53/);
  });

  it('starts a read after a position at that position (readers skip it) and at the start for 0', () => {
    expect(readStartAfter(0)).toBe(START);
    expect(readStartAfter(20_361)).toEqual({ commit: 20_361n, prepare: 20_361n });
    const position = { commit: 987_654_321n, prepare: 987_654_321n };
    expect(readStartAfter(toGlobalPosition(position, 'x'))).toEqual(position);
  });
});
