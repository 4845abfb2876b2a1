import { describe, expect, it } from 'vitest';
import { changedPaths } from './changed-paths.ts';

describe('changedPaths', () => {
  it('is empty for equal entities', () => {
    const entity = { name: 'A', streetAddress: { city: 'X', zip: '01234' } };
    expect(changedPaths(entity, structuredClone(entity))).toEqual([]);
  });

  it('follows nested objects to the leaves that differ', () => {
    expect(
      changedPaths(
        { name: 'A', streetAddress: { city: 'X', zip: '01234' } },
        { name: 'A', streetAddress: { city: 'X', zip: '01235' } },
      ),
    ).toEqual(['streetAddress.zip']);
  });

  it('names members that appear or disappear', () => {
    expect(changedPaths({ name: 'A', subName: 'S' }, { name: 'A', grantNumber: 'G' })).toEqual([
      'grantNumber',
      'subName',
    ]);
    expect(changedPaths({ streetAddress: { city: 'X' } }, {})).toEqual(['streetAddress']);
  });

  it('names a child collection as a whole', () => {
    expect(
      changedPaths(
        { contractPharmacies: [{ contractId: 1, name: 'A' }], npiNumbers: [{ npiNumber: '1' }] },
        { contractPharmacies: [{ contractId: 1, name: 'B' }], npiNumbers: [{ npiNumber: '1' }] },
      ),
    ).toEqual(['contractPharmacies']);
  });
});

it('ignores member order (states read back from jsonb are reordered)', () => {
  expect(
    changedPaths(
      { npiNumbers: [{ state: 'MA', npiNumber: '1' }], streetAddress: { zip: '1', city: 'X' } },
      { npiNumbers: [{ npiNumber: '1', state: 'MA' }], streetAddress: { city: 'X', zip: '1' } },
    ),
  ).toEqual([]);
});
