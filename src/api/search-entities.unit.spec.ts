import { describe, expect, it } from 'vitest';
import { id340BPrefix, nameQuery } from './search-entities.ts';

describe('entity search terms', () => {
  it('turns the words of a query into a prefix tsquery, dropping every operator character', () => {
    expect(nameQuery('stone mount')).toBe('stone:* & mount:*');
    expect(nameQuery("St. Mary's & !(x) | y:*")).toBe('St:* & Mary:* & s:* & x:* & y:*');
    expect(nameQuery('Señora 12')).toBe('Señora:* & 12:*');
    expect(nameQuery(' -- ')).toBeUndefined();
  });

  it('makes a LIKE prefix only of text that can be a 340B id', () => {
    expect(id340BPrefix(' dsh05 ')).toBe('DSH05%');
    expect(id340BPrefix('CH12345-01')).toBe('CH12345-01%');
    expect(id340BPrefix('a%b')).toBeUndefined();
    expect(id340BPrefix('a_b')).toBeUndefined();
    expect(id340BPrefix('stone mountain')).toBeUndefined();
  });
});
