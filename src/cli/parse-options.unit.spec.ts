import { describe, expect, it } from 'vitest';
import { parseInstant, parseRatio } from './parse-options.ts';

describe('parseInstant', () => {
  it('reads an instant without a zone as UTC', () => {
    expect(parseInstant('2026-11-26T05:00:00').toISOString()).toBe('2026-11-26T05:00:00.000Z');
  });
  it('keeps an explicit zone', () => {
    expect(parseInstant('2026-11-26T05:00:00-05:00').toISOString()).toBe('2026-11-26T10:00:00.000Z');
  });
  it('reads a date as its UTC midnight', () => {
    expect(parseInstant('2026-11-26').toISOString()).toBe('2026-11-26T00:00:00.000Z');
  });
  it('refuses what is not an instant', () => {
    expect(() => parseInstant('yesterday')).toThrow(/not an ISO 8601 instant/);
    expect(() => parseInstant('2026-13-45')).toThrow(/not an ISO 8601 instant/);
  });
});

it('parseRatio refuses values outside 0..1', () => {
  expect(parseRatio('0.1')).toBe(0.1);
  expect(() => parseRatio('2')).toThrow();
});
