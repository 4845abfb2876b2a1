import { describe, expect, it } from 'vitest';
import { canonicalEntityJson } from '../snapshot/canonicalise.ts';
import { changedPaths } from './changed-paths.ts';
import { entityChanges } from './entity-changes.ts';

const before = {
  id340B: 'DSH440002',
  ceId: 41922,
  name: 'MERIDIAN REGIONAL MEDICAL CENTER',
  streetAddress: { addressLine1: '1200 HOSPITAL DRIVE', city: 'JACKSON', state: 'TN', zip: '38301' },
  contractPharmacies: [
    { contractId: 7, pharmacyId: 70, name: 'SEVEN' },
    { contractId: 8, pharmacyId: 80, name: 'EIGHT' },
  ],
  npiNumbers: [{ npiNumber: '1' }],
  shippingAddresses: [{ addressLine1: '1200 HOSPITAL DRIVE', organization: 'MRMC' }],
};

describe('entityChanges', () => {
  it('is empty for equal entities, whatever their member order', () => {
    expect(entityChanges(before, JSON.parse(canonicalEntityJson(before)))).toEqual([]);
  });

  it('lists scalar leaves and child collections together, in path order', () => {
    const after = {
      ...before,
      medicareProviderNumber: '440002',
      streetAddress: { ...before.streetAddress, zip: '38305' },
      contractPharmacies: [
        { contractId: 7, pharmacyId: 70, name: 'SEVEN', terminationDate: '2026-11-02T00:00:00' },
        { contractId: 9, pharmacyId: 90, name: 'NINE' },
      ],
      npiNumbers: [{ npiNumber: '1' }, { npiNumber: '2', state: 'TN' }],
      shippingAddresses: undefined,
    };
    expect(entityChanges(before, after)).toEqual([
      {
        path: 'contractPharmacies',
        added: [{ contractId: 9, name: 'NINE', pharmacyId: 90 }],
        removed: [{ contractId: 8, name: 'EIGHT', pharmacyId: 80 }],
        changed: [
          {
            key: { contractId: 7 },
            changes: [{ path: 'terminationDate', from: null, to: '2026-11-02T00:00:00' }],
          },
        ],
      },
      { path: 'medicareProviderNumber', from: null, to: '440002' },
      { path: 'npiNumbers', added: [{ npiNumber: '2', state: 'TN' }], removed: [], changed: [] },
      {
        path: 'shippingAddresses',
        added: [],
        removed: [{ addressLine1: '1200 HOSPITAL DRIVE', organization: 'MRMC' }],
      },
      { path: 'streetAddress.zip', from: '38301', to: '38305' },
    ]);
  });

  it('names at least the paths that changedPaths names', () => {
    const after = { ...before, name: 'X', streetAddress: undefined, npiNumbers: [] };
    const changes = entityChanges(before, after);
    for (const path of changedPaths(before, after)) {
      expect(changes.some((change) => change.path === path || change.path.startsWith(`${path}.`))).toBe(true);
    }
  });
});
