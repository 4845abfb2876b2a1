import { describe, expect, it } from 'vitest';
import { isIdNumber, isSourceTimestamp, trueFalseFlagOf } from './source-value-rules.ts';

describe('the source-value rules shared by the ingest check and the projections', () => {
  it.each([
    ['2024-02-30T00:00:00', 'day 30 of February'],
    ['2023-02-29T00:00:00', 'February 29 of a common year'],
    ['2024-13-01T00:00:00', 'month 13'],
    ['2024-00-10T00:00:00', 'month 0'],
    ['2024-01-01T24:00:00', 'hour 24'],
    ['2024-01-01T23:60:00', 'minute 60'],
    ['2024-01-01T23:59:60', 'second 60'],
    ['2024-02-30T25:61:61', 'nothing right'],
    ['0000-01-01T00:00:00', 'year 0'],
    ['2024-01-01 00:00:00', 'a space for the T'],
    ['2024-01-01T00:00:00Z', 'a zone'],
    ['2024-01-01T00:00:00.', 'a dot without digits'],
    ['2024-01-01T00:00:00.12345678', '8 fractional digits'],
  ])('refuses the timestamp %s (%s)', (value) => {
    expect(isSourceTimestamp(value)).toBe(false);
  });

  it('accepts timestamps that exist, with 0 to 7 fractional digits', () => {
    for (const value of ['2000-02-29T12:00:00', '2024-02-16T09:29:10.8756857', '9999-12-31T23:59:59.1'])
      expect(isSourceTimestamp(value), value).toBe(true);
  });

  it('knows TRUE/FALSE in any case, and exact integer ids only', () => {
    expect(['TRUE', 'false', 'True', 'MAYBE', ''].map(trueFalseFlagOf)).toEqual([
      'Y',
      'N',
      'Y',
      undefined,
      undefined,
    ]);
    expect([20058, -1, 1.5, 2 ** 53, '7'].map(isIdNumber)).toEqual([true, true, false, false, false]);
  });
});
