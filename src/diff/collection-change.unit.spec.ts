import { describe, expect, it } from 'vitest';
import { collectionChange } from './collection-change.ts';

const contract = (contractId: number, more: Record<string, unknown> = {}) => ({
  contractId,
  name: `PHARMACY ${contractId}`,
  pharmacyId: 900 + contractId,
  ...more,
});

describe('collectionChange of contractPharmacies (keyed by contractId)', () => {
  it('names the contracts added and removed, in canonical form', () => {
    expect(
      collectionChange('contractPharmacies', [contract(1), contract(2)], [contract(2), contract(3)]),
    ).toEqual({
      path: 'contractPharmacies',
      added: [contract(3)],
      removed: [contract(1)],
      changed: [],
    });
  });

  it('makes a contract whose terminationDate appears a changed member, not a removal plus an addition', () => {
    const terminated = contract(2, { terminationDate: '2026-11-02T00:00:00' });
    expect(
      collectionChange('contractPharmacies', [contract(1), contract(2)], [contract(1), terminated]),
    ).toEqual({
      path: 'contractPharmacies',
      added: [],
      removed: [],
      changed: [
        {
          key: { contractId: 2 },
          changes: [{ path: 'terminationDate', from: null, to: '2026-11-02T00:00:00' }],
        },
      ],
    });
  });

  it('follows a member to its nested leaves', () => {
    const before = contract(1, { address: { city: 'DOVER', zip: '19901' } });
    const after = contract(1, { address: { city: 'DOVER', zip: '19904' } });
    expect(collectionChange('contractPharmacies', [before], [after])?.changed).toEqual([
      { key: { contractId: 1 }, changes: [{ path: 'address.zip', from: '19901', to: '19904' }] },
    ]);
  });

  it('cannot match a key listed twice on a side: its members are added and removed', () => {
    const change = collectionChange(
      'contractPharmacies',
      [contract(1)],
      [contract(1, { name: 'X' }), contract(1, { name: 'Y' })],
    );
    expect(change).toEqual({
      path: 'contractPharmacies',
      added: [contract(1, { name: 'X' }), contract(1, { name: 'Y' })],
      removed: [contract(1)],
      changed: [],
    });
  });

  it('takes every member as added when the collection appears, removed when it vanishes', () => {
    expect(collectionChange('contractPharmacies', undefined, [contract(1)])?.added).toEqual([contract(1)]);
    expect(collectionChange('contractPharmacies', [contract(1)], undefined)?.removed).toEqual([contract(1)]);
  });

  it('is undefined for the same set in another order and member order (as read back from jsonb)', () => {
    const stored = [
      { pharmacyId: 902, name: 'PHARMACY 2', contractId: 2 },
      { name: 'PHARMACY 1', contractId: 1, pharmacyId: 901 },
    ];
    expect(
      collectionChange('contractPharmacies', stored, [contract(1), contract(2), contract(1)]),
    ).toBeUndefined();
  });
});

describe('collectionChange of npiNumbers and medicaidNumbers (keyed by number and state)', () => {
  it('keys an NPI without a state by a null state', () => {
    expect(
      collectionChange(
        'npiNumbers',
        [{ npiNumber: '1215284153', state: 'VA' }],
        [{ npiNumber: '1740252501' }],
      ),
    ).toEqual({
      path: 'npiNumbers',
      added: [{ npiNumber: '1740252501' }],
      removed: [{ npiNumber: '1215284153', state: 'VA' }],
      changed: [],
    });
  });

  it('matches an NPI without a state to the same NPI without a state', () => {
    const npi = { npiNumber: '1740252501', note: 'a' };
    expect(collectionChange('npiNumbers', [npi], [{ ...npi, note: 'b' }])?.changed).toEqual([
      { key: { npiNumber: '1740252501', state: null }, changes: [{ path: 'note', from: 'a', to: 'b' }] },
    ]);
  });

  it('takes the same number in another state as another member', () => {
    expect(
      collectionChange(
        'medicaidNumbers',
        [{ medicaidNumber: '0123', state: 'KY' }],
        [{ medicaidNumber: '0123', state: 'TN' }],
      ),
    ).toEqual({
      path: 'medicaidNumbers',
      added: [{ medicaidNumber: '0123', state: 'TN' }],
      removed: [{ medicaidNumber: '0123', state: 'KY' }],
      changed: [],
    });
  });
});

describe('collectionChange of shippingAddresses (no key)', () => {
  it('gives only added and removed members: an organization that changes is one of each', () => {
    const address = { addressLine1: '1 MAIN ST', city: 'DOVER', is340BStreetAddress: true, zip: '19901' };
    expect(
      collectionChange(
        'shippingAddresses',
        [{ ...address, organization: 'A' }],
        [{ ...address, organization: 'B' }],
      ),
    ).toEqual({
      path: 'shippingAddresses',
      added: [{ ...address, organization: 'B' }],
      removed: [{ ...address, organization: 'A' }],
    });
  });
});
