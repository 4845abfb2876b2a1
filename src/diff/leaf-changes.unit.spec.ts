import { describe, expect, it } from 'vitest';
import { leafChanges } from './leaf-changes.ts';

describe('leafChanges', () => {
  it('gives each differing scalar leaf with its value before and after', () => {
    expect(leafChanges({ name: 'A', subName: 'S' }, { name: 'B', subName: 'S' })).toEqual([
      { path: 'name', from: 'A', to: 'B' },
    ]);
  });

  it('follows nested objects to the leaves, in path order', () => {
    expect(
      leafChanges(
        { streetAddress: { zip: '19851', city: 'X', state: 'DE' } },
        { streetAddress: { city: 'Y', state: 'DE', zip: '19852' } },
      ),
    ).toEqual([
      { path: 'streetAddress.city', from: 'X', to: 'Y' },
      { path: 'streetAddress.zip', from: '19851', to: '19852' },
    ]);
  });

  it('is null on the side where a member is absent, down to the leaves of an object', () => {
    expect(
      leafChanges({ terminationDate: '2026-01-01T00:00:00' }, { billingAddress: { city: 'X', zip: '1' } }),
    ).toEqual([
      { path: 'billingAddress.city', from: null, to: 'X' },
      { path: 'billingAddress.zip', from: null, to: '1' },
      { path: 'terminationDate', from: '2026-01-01T00:00:00', to: null },
    ]);
  });

  it('takes an array, or a value whose type changed, as a leaf', () => {
    expect(leafChanges({ tags: ['a'], extra: 'x' }, { tags: ['a', 'b'], extra: { y: 1 } })).toEqual([
      { path: 'extra', from: 'x', to: { y: 1 } },
      { path: 'tags', from: ['a'], to: ['a', 'b'] },
    ]);
  });

  it('skips the members it is told to', () => {
    expect(leafChanges({ a: 1, b: 1 }, { a: 2, b: 2 }, '', [], (key) => key === 'b')).toEqual([
      { path: 'a', from: 1, to: 2 },
    ]);
  });
});
