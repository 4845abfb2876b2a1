import { describe, expect, it } from 'vitest';
import { booleanFlag, idText, sourceTimestamp, text, trueFalseFlag } from './source-values.ts';

describe('sourceTimestamp', () => {
  it('drops the 7th fractional digit instead of rounding', () => {
    expect(sourceTimestamp('2024-02-16T09:29:10.8756857', 'editDate')).toBe('2024-02-16 09:29:10.875685');
    expect(sourceTimestamp('2024-02-16T09:29:10.9999999', 'editDate')).toBe('2024-02-16 09:29:10.999999');
  });

  it('pads shorter fractions to microseconds, so it compares equal to what PostgreSQL gives back', () => {
    expect(sourceTimestamp('2016-03-09T11:51:14.757', 'editDate')).toBe('2016-03-09 11:51:14.757000');
    expect(sourceTimestamp('1999-10-01T00:00:00', 'editDate')).toBe('1999-10-01 00:00:00.000000');
  });

  it('is NULL when missing', () => {
    expect(sourceTimestamp(undefined, 'editDate')).toBeNull();
  });

  it.each([
    ['2024-02-30T00:00:00', 'day 30 of February'],
    ['2023-02-29T00:00:00', 'February 29 of a common year'],
    ['2024-13-01T00:00:00', 'month 13'],
    ['2024-01-01T24:00:00', 'hour 24'],
    ['2024-01-01T23:59:60', 'second 60'],
    ['0000-01-01T00:00:00', 'year 0'],
    ['2024-01-01 00:00:00', 'a space for the T'],
    ['2024-01-01T00:00:00Z', 'a zone'],
    ['2024-01-01T00:00:00.12345678', '8 fractional digits'],
  ])('refuses %s (%s), naming the path', (value) => {
    expect(() => sourceTimestamp(value, 'contractPharmacies[3].beginDate')).toThrow(
      /contractPharmacies\[3\]\.beginDate/,
    );
  });

  it('accepts February 29 of a leap year', () => {
    expect(sourceTimestamp('2000-02-29T12:00:00', 'x')).toBe('2000-02-29 12:00:00.000000');
  });
});

describe('flags and ids', () => {
  it('maps "TRUE"/"FALSE" to Y/N and missing to NULL', () => {
    expect(trueFalseFlag('TRUE', 'participating')).toBe('Y');
    expect(trueFalseFlag('FALSE', 'participating')).toBe('N');
    expect(trueFalseFlag('false', 'participating')).toBe('N');
    expect(trueFalseFlag(undefined, 'participating')).toBeNull();
    expect(() => trueFalseFlag('YES', 'participating')).toThrow(/participating must be "TRUE" or "FALSE"/);
  });

  it('maps booleans to Y/N', () => {
    expect(booleanFlag(true, 'x')).toBe('Y');
    expect(booleanFlag(false, 'x')).toBe('N');
    expect(booleanFlag(undefined, 'x')).toBeNull();
    expect(() => booleanFlag('true', 'x')).toThrow(/must be a boolean/);
  });

  it('stores integer ids as text and refuses anything else', () => {
    expect(idText(20058, 'contractId')).toBe('20058');
    expect(idText(undefined, 'contractId')).toBeNull();
    expect(() => idText(1.5, 'contractId')).toThrow(/contractId must be an integer/);
    expect(() => idText('20058', 'contractId')).toThrow(/contractId must be an integer/);
  });

  it('keeps strings as they are (leading zeros are data) and refuses numbers', () => {
    expect(text('02110', 'zip')).toBe('02110');
    expect(text(' padded ', 'name')).toBe(' padded ');
    expect(() => text(2110, 'zip')).toThrow(/zip must be a string/);
  });
});
