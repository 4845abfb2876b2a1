import { describe, expect, it } from 'vitest';
import { pathIndex } from './change-feed-projector.ts';

describe('change_feed path index', () => {
  it('holds every changed path and each of its ancestors once, sorted', () => {
    expect(pathIndex(['streetAddress.zip', 'streetAddress.city', 'contractPharmacies'])).toEqual([
      'contractPharmacies',
      'streetAddress',
      'streetAddress.city',
      'streetAddress.zip',
    ]);
    expect(pathIndex([])).toEqual([]);
  });
});
