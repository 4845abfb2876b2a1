import { describe, expect, it } from 'vitest';
import { asOfPattern, parseAsOfParam } from './as-of-param.ts';

describe('asOf parameter', () => {
  it('reads a date as the last microsecond of that day in UTC', () => {
    expect(parseAsOfParam('2024-03-05', 'asOf')).toBe('2024-03-05T23:59:59.999999Z');
  });

  it('keeps an instant with its zone, and reads one without a zone as UTC', () => {
    expect(parseAsOfParam('2024-03-05T06:00:00.123456+02:00', 'asOf')).toBe(
      '2024-03-05T06:00:00.123456+02:00',
    );
    expect(parseAsOfParam('2024-03-05T06:00', 'asOf')).toBe('2024-03-05T06:00Z');
  });

  it('refuses days that do not exist, naming the parameter', () => {
    for (const value of ['2024-02-30', '2023-02-29', '2024-13-01', '2024-04-31T10:00:00Z']) {
      expect(() => parseAsOfParam(value, 'querystring/asOf')).toThrowError(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: expect.stringContaining('querystring/asOf'),
        }),
      );
    }
  });

  it('has a schema pattern that lets only ISO shapes through', () => {
    const pattern = new RegExp(asOfPattern);
    for (const ok of ['2024-02-29', '2024-02-29T10:00Z', '2024-02-29T10:00:00.1234567-05:00']) {
      expect(pattern.test(ok)).toBe(true);
    }
    for (const bad of ['yesterday', '2024-2-29', '2024-02-29 10:00', "2024-02-29'; drop table dim_ce"]) {
      expect(pattern.test(bad)).toBe(false);
    }
  });
});
