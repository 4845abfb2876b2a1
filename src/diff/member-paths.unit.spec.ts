import { describe, expect, it } from 'vitest';
import { collectPaths, MemberPaths } from './member-paths.ts';

describe('collectPaths', () => {
  it('names leaves, nested leaves and the members of child collections', () => {
    const entity = {
      name: 'A',
      streetAddress: { city: 'X', zip: '1' },
      contractPharmacies: [
        { contractId: 1, address: { city: 'Y' } },
        { contractId: 2, comments: 'c' },
      ],
    };
    expect([...collectPaths(entity, '', new Set())].sort()).toEqual([
      'contractPharmacies[].address.city',
      'contractPharmacies[].comments',
      'contractPharmacies[].contractId',
      'name',
      'streetAddress.city',
      'streetAddress.zip',
    ]);
  });
});

describe('MemberPaths', () => {
  it('names the paths that every new version gained, and those they lost', () => {
    const paths = new MemberPaths();
    paths.add({ name: 'A', oldField: 'x' }, { name: 'A', medicareProviderNumber: '1' });
    paths.add({ name: 'B', oldField: 'y' }, { name: 'B', medicareProviderNumber: '2' });
    expect(paths.appeared()).toEqual(['medicareProviderNumber']);
    expect(paths.vanished()).toEqual(['oldField']);
  });

  it('does not name a path that only some of the changed entities gained or lost', () => {
    const paths = new MemberPaths();
    paths.add({ name: 'A' }, { name: 'A', subName: 'S' });
    paths.add({ name: 'B' }, { name: 'B2' });
    paths.add({ name: 'C', terminationDate: 'T' }, { name: 'C2' });
    expect(paths.appeared()).toEqual([]);
    expect(paths.vanished()).toEqual([]);
  });

  it('looks only at what changed: a path both versions have is neither gained nor lost', () => {
    const paths = new MemberPaths();
    paths.add({ name: 'A', subName: 'S' }, { name: 'A2', subName: 'S' });
    expect(paths.appeared()).toEqual([]);
  });

  it('names a member path of a child collection', () => {
    const paths = new MemberPaths();
    paths.add(
      { contractPharmacies: [{ contractId: 1 }] },
      { contractPharmacies: [{ contractId: 1, fax: '5' }] },
    );
    expect(paths.appeared()).toEqual(['contractPharmacies[].fax']);
  });
});
