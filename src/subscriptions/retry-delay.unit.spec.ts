import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs } from './retry-delay.ts';

describe('retry delays', () => {
  it('doubles from the base up to the cap, with jitter in the upper half', () => {
    const options = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 9].map((failures) => backoffDelay(failures, options, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffDelay(3, options, () => 0)).toBe(2000);
  });

  it('reads Retry-After as seconds or an HTTP date, capped; ignores what it cannot read', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(retryAfterMs('120', now, 3_600_000)).toBe(120_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 00:00:30 GMT', now, 3_600_000)).toBe(30_000);
    expect(retryAfterMs('99999', now, 3_600_000)).toBe(3_600_000);
    expect(retryAfterMs('soon', now, 3_600_000)).toBeUndefined();
    expect(retryAfterMs(null, now, 3_600_000)).toBeUndefined();
  });
});
