import { describe, expect, it } from 'vitest';
import type { CanonicalEntity } from '../../src/events/event-types.ts';
import { canonicalEntityJson } from '../../src/snapshot/canonicalise.ts';
import { dimCe } from './dim-ce.ts';
import { dimCeBillingAddress } from './dim-ce-billing-address.ts';
import { dimCeContractPharmacy } from './dim-ce-contract-pharmacy.ts';
import { dimCeMedicaidNumbers } from './dim-ce-medicaid-numbers.ts';
import { dimCeShippingAddress } from './dim-ce-shipping-address.ts';
import { dimCeStreetAddress } from './dim-ce-street-address.ts';
import { dimNpi } from './dim-npi.ts';

/** The first entity of the OPAIS sample export, as an event carries it (canonical form). */
const raw = {
  ceId: 7201,
  id340B: 'BL030740',
  entityType: 'BL',
  name: 'STONE MOUNTAIN HEALTH SERVICES',
  subName: 'ST CHARLES HEALTH COUNCIL',
  participating: 'TRUE',
  participatingStartDate: '1999-10-01T00:00:00',
  grantNumber: 'H37RH00048',
  terminationReason: '',
  certifiedDecertifiedDate: '2024-02-16T09:29:10.8756857',
  editDate: '2025-01-17T11:04:58.4482606',
  streetAddress: { addressLine1: '213 Monarch Road', city: 'ST CHARLES', state: 'VA', zip: '24282' },
  billingAddress: {
    organization: 'STONE MOUNTAIN HEALTH SERVICES',
    addressLine1: '276 Fieldstone Drive',
    city: 'Jonesville',
    state: 'VA',
    zip: '24263',
  },
  shippingAddresses: [
    {
      addressLine1: '213 Monarch Road',
      city: 'ST CHARLES',
      state: 'VA',
      zip: '24282',
      is340BStreetAddress: true,
    },
    {
      addressLine1: '213 Monarch Road',
      city: 'ST CHARLES',
      state: 'VA',
      zip: '24282',
      is340BStreetAddress: true,
    },
  ],
  authorizingOfficial: { name: 'MALCOLM  PERDUE', title: 'CEO', phoneNumber: '2765465310' },
  primaryContact: {
    name: 'Saundra  Jones',
    title: 'COO',
    phoneNumber: '2765465310',
    phoneNumberExtension: '3102',
  },
  medicaidNumbers: [
    { medicaidNumber: 'Q047757', state: 'VA' },
    { medicaidNumber: '64036072', state: 'KY' },
  ],
  npiNumbers: [{ npiNumber: '1215284153', state: 'VA' }],
  contractPharmacies: [
    {
      contractId: 20058,
      pharmacyId: 92368,
      name: 'B & H APOTHECARY',
      address: { addressLine1: '99 KY 11 SOUTH', city: 'BOONEVILLE', state: 'KY', zip: '41314' },
      phoneNumber: '8598931064',
      beginDate: '2015-07-01T00:00:00',
      certifiedDecertifiedDate: '2024-01-31T09:14:36.6628594',
      editDate: '2024-01-31T09:14:36.6628594',
      comments: ' 6/3/2008 UPDATED BILLING',
    },
  ],
};
const canonical = (entity: object): CanonicalEntity =>
  JSON.parse(canonicalEntityJson(entity as Record<string, unknown>));
const entity = canonical(raw);
const key = { id340b: 'BL030740', ceId: '7201' };
const named = (columns: readonly string[], row: readonly unknown[]) =>
  Object.fromEntries(columns.map((column, index) => [column, row[index]]));

describe('entity → rows', () => {
  it('dim_ce: flags Y/N, timestamps truncated to microseconds, missing and "" as NULL', () => {
    const rows = dimCe.rows(entity, key);
    expect(rows).toHaveLength(1);
    expect(named(dimCe.columns, rows[0] as unknown[])).toEqual({
      id340b: 'BL030740',
      ce_id: '7201',
      entity_type: 'BL',
      name: 'STONE MOUNTAIN HEALTH SERVICES',
      subname: 'ST CHARLES HEALTH COUNCIL',
      medicare_provider_number: null,
      participating_flg: 'Y',
      participating_start_stp: '1999-10-01 00:00:00.000000',
      termination_stp: null,
      termination_reason: null,
      grant_number: 'H37RH00048',
      cert_decert_stp: '2024-02-16 09:29:10.875685',
      edit_stp: '2025-01-17 11:04:58.448260',
      auth_official_name: 'MALCOLM  PERDUE',
      auth_official_title: 'CEO',
      auth_official_phone_number: '2765465310',
      primary_contact_name: 'Saundra  Jones',
      primary_contact_title: 'COO',
      primary_contact_phone_number: '2765465310',
      primary_contact_phone_ext: '3102',
    });
  });

  it('dim_ce: an entity with only its key still has a row, all else NULL', () => {
    const [row] = dimCe.rows(canonical({ id340B: 'X1', ceId: 1 }), { id340b: 'X1', ceId: '1' });
    expect(row?.slice(2).every((cell) => cell === null)).toBe(true);
  });

  it('child sets give one row per member, keyed by all their columns', () => {
    expect(dimCeMedicaidNumbers.rows(entity, key)).toEqual([
      ['BL030740', '7201', '64036072', 'KY'],
      ['BL030740', '7201', 'Q047757', 'VA'],
    ]);
    expect(dimNpi.rows(entity, key)).toEqual([['BL030740', '7201', '1215284153', 'VA']]);
    // The sample's duplicate shipping address is one member of the set.
    expect(dimCeShippingAddress.rows(entity, key)).toEqual([
      ['BL030740', '7201', null, 'Y', '213 Monarch Road', null, null, 'ST CHARLES', 'VA', '24282', null],
    ]);
  });

  it('data contract 1.1: dim_ce keeps the medicareProviderNumber; an NPI without a state is keyed by a NULL state', () => {
    const hospital = canonical({
      ...raw,
      medicareProviderNumber: '440002',
      npiNumbers: [{ npiNumber: '1740252501' }],
    });
    expect(named(dimCe.columns, dimCe.rows(hospital, key)[0] as unknown[])).toMatchObject({
      medicare_provider_number: '440002',
    });
    expect(dimNpi.rows(hospital, key)).toEqual([['BL030740', '7201', '1740252501', null]]);
  });

  it('data contract 1.1: shipping addresses keep their organization, so two differing only by it are two rows', () => {
    const address = {
      addressLine1: '1 MAIN ST',
      city: 'DOVER',
      state: 'DE',
      zip: '19901',
      is340BStreetAddress: false,
    };
    const rows = dimCeShippingAddress.rows(
      canonical({
        ...raw,
        shippingAddresses: [
          { ...address, organization: 'NORTH' },
          { ...address, organization: 'SOUTH' },
        ],
      }),
      key,
    );
    expect(rows.map((row) => named(dimCeShippingAddress.columns, row).organization)).toEqual([
      'NORTH',
      'SOUTH',
    ]);
    expect(dimCeShippingAddress.keyLength).toBe(dimCeShippingAddress.columns.length);
  });

  it('addresses: one row while the address exists, none once it is gone', () => {
    expect(dimCeStreetAddress.rows(entity, key)).toEqual([
      ['BL030740', '7201', '213 Monarch Road', null, null, 'ST CHARLES', 'VA', '24282', null],
    ]);
    expect(dimCeBillingAddress.rows(entity, key)).toEqual([
      [
        'BL030740',
        '7201',
        'STONE MOUNTAIN HEALTH SERVICES',
        '276 Fieldstone Drive',
        null,
        null,
        'Jonesville',
        'VA',
        '24263',
        null,
      ],
    ]);
    const { streetAddress: _street, billingAddress: _billing, ...withoutAddresses } = raw;
    expect(dimCeStreetAddress.rows(canonical(withoutAddresses), key)).toEqual([]);
    expect(dimCeBillingAddress.rows(canonical(withoutAddresses), key)).toEqual([]);
  });

  it('dim_ce_contract_pharmacy: ids as text, address columns, begin/termination stamps', () => {
    expect(dimCeContractPharmacy.rows(entity, key)).toEqual([
      [
        'BL030740',
        '7201',
        '20058',
        '92368',
        'B & H APOTHECARY',
        '99 KY 11 SOUTH',
        null,
        'BOONEVILLE',
        'KY',
        '41314',
        '8598931064',
        '2015-07-01 00:00:00.000000',
        null,
      ],
    ]);
  });

  it('refuses a value of the wrong type, naming the member (the ingest refuses those)', () => {
    expect(() => dimCe.rows(canonical({ ...raw, authorizingOfficial: { name: 42 } }), key)).toThrow(
      /authorizingOfficial\.name must be a string/,
    );
  });

  it('projects values the ingest refuses since, found in an older log, as NULL or no row', () => {
    expect(dimCe.rows(canonical({ ...raw, participating: 'MAYBE' }), key)[0]?.[5]).toBeNull();
    expect(
      dimCeContractPharmacy.rows(canonical({ ...raw, contractPharmacies: [{ pharmacyId: 1 }] }), key),
    ).toEqual([]);
    const [row] = dimCeContractPharmacy.rows(
      canonical({ ...raw, contractPharmacies: [{ contractId: 1, beginDate: '2024-02-30T00:00:00' }] }),
      key,
    );
    expect(row?.[2]).toBe('1');
    expect(row?.at(-2)).toBeNull();
  });
});
