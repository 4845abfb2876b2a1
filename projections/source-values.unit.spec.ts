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

  it('projects a timestamp that does not exist (refused by the ingest since) as NULL', () => {
    expect(sourceTimestamp('2024-02-30T25:61:61', 'editDate')).toBeNull();
    expect(sourceTimestamp('2024-01-01 00:00:00', 'editDate')).toBeNull();
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
    expect(trueFalseFlag('MAYBE', 'participating')).toBeNull();
  });

  it('maps booleans to Y/N', () => {
    expect(booleanFlag(true, 'x')).toBe('Y');
    expect(booleanFlag(false, 'x')).toBe('N');
    expect(booleanFlag(undefined, 'x')).toBeNull();
    expect(() => booleanFlag('true', 'x')).toThrow(/must be a boolean/);
  });

  it('stores integer ids as text, NULL when not exact, and refuses anything else', () => {
    expect(idText(20058, 'contractId')).toBe('20058');
    expect(idText(undefined, 'contractId')).toBeNull();
    expect(idText(1.5, 'contractId')).toBeNull();
    expect(idText(2 ** 53 + 2, 'contractId')).toBeNull();
    expect(() => idText('20058', 'contractId')).toThrow(/contractId must be an integer/);
  });

  it('keeps strings as they are (leading zeros are data) and refuses numbers', () => {
    expect(text('02110', 'zip')).toBe('02110');
    expect(text(' padded ', 'name')).toBe(' padded ');
    expect(() => text(2110, 'zip')).toThrow(/zip must be a string/);
  });
});
