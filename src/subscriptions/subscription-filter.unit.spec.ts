import { describe, expect, it } from 'vitest';
import { matchesFilter, parseSubscriptionFilter } from './subscription-filter.ts';

const change = {
  type: 'CoveredEntityChanged',
  id340B: 'DSH000001',
  entityType: 'DSH',
  state: 'TN',
  changedPaths: ['contractPharmacies[3].name', 'editDate'],
};

describe('subscription filters', () => {
  it('parses key=value pairs with alternatives', () => {
    expect(parseSubscriptionFilter('id340B=DSH1|DSH2, state=TN,path=contractPharmacies', '--filter')).toEqual(
      {
        id340B: ['DSH1', 'DSH2'],
        state: ['TN'],
        path: ['contractPharmacies'],
      },
    );
    expect(parseSubscriptionFilter(undefined, '--filter')).toEqual({});
  });

  it('refuses unknown keys and empty values', () => {
    for (const bad of ['colour=red', 'state=', 'state']) {
      expect(() => parseSubscriptionFilter(bad, '--filter'), bad).toThrowError(
        expect.objectContaining({ code: 'FILTER_INVALID' }),
      );
    }
  });

  it('matches all given members; a path matches itself and what is under it', () => {
    const match = (text: string, item = change) => matchesFilter(item, parseSubscriptionFilter(text, 'f'));
    expect(match('')).toBe(true);
    expect(match('state=TN|GA,entityType=DSH')).toBe(true);
    expect(match('state=GA')).toBe(false);
    expect(match('path=contractPharmacies')).toBe(true);
    expect(match('path=contractPharmacies[3]')).toBe(true);
    expect(match('path=contract')).toBe(false);
    expect(match('path=name')).toBe(false);
    expect(match('path=name', { ...change, type: 'CoveredEntityRemoved', changedPaths: [] })).toBe(true);
    expect(match('id340B=DSH000002')).toBe(false);
  });
});
