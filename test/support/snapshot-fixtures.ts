import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A covered entity in the export's shape (docs/data-contract.md#the-source), with overrides. */
export function coveredEntity(
  id340B: string,
  ceId: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ceId,
    id340B,
    entityType: 'DSH',
    name: `HOSPITAL ${id340B}`,
    participating: 'TRUE',
    participatingStartDate: '2001-01-01T00:00:00',
    editDate: '2024-02-16T09:29:10.8756857',
    streetAddress: { addressLine1: '1 Main St', city: 'BOSTON', state: 'MA', zip: '02110' },
    billingAddress: {
      organization: 'ORG',
      addressLine1: '2 Main St',
      city: 'BOSTON',
      state: 'MA',
      zip: '02110',
    },
    shippingAddresses: [
      { addressLine1: '1 Main St', city: 'BOSTON', state: 'MA', zip: '02110', is340BStreetAddress: true },
    ],
    authorizingOfficial: { name: 'A OFFICIAL', title: 'CEO', phoneNumber: '6175550100' },
    primaryContact: {
      name: 'P CONTACT',
      title: 'COO',
      phoneNumber: '6175550101',
      phoneNumberExtension: '12',
    },
    medicaidNumbers: [{ medicaidNumber: '0123', state: 'MA' }],
    npiNumbers: [{ npiNumber: '1215284153', state: 'MA' }],
    contractPharmacies: [
      {
        contractId: ceId * 10,
        pharmacyId: 500 + (ceId % 3),
        name: 'PHARMACY',
        address: { addressLine1: '9 Elm', city: 'BOSTON', state: 'MA', zip: '02111' },
        phoneNumber: '6175550199',
        beginDate: '2015-07-01T00:00:00',
        editDate: '2024-01-31T09:14:36.6628594',
      },
    ],
    ...overrides,
  };
}

/** `count` entities DSH000001/1, DSH000002/2, ... */
export function coveredEntities(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) =>
    coveredEntity(`DSH${String(index + 1).padStart(6, '0')}`, index + 1),
  );
}

export function tempDir(prefix = 'opais-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes an export-shaped document and returns its path. */
export function writeSnapshot(
  dir: string,
  name: string,
  entities: unknown[],
  options: { pretty?: boolean; bom?: boolean } = {},
): string {
  const file = path.join(dir, name);
  const json = JSON.stringify({ coveredEntities: entities }, null, options.pretty ? 2 : undefined);
  writeFileSync(file, (options.bom ? '\uFEFF' : '') + json);
  return file;
}

/** A shipping address at one place, for `organization` (data contract 1.1 keeps it). */
export function shippingAddress(organization: string): Record<string, unknown> {
  return {
    addressLine1: '9 DOCK ST',
    city: 'DOVER',
    state: 'DE',
    zip: '19901',
    is340BStreetAddress: false,
    organization,
  };
}

/** Members of data contract 1.1's shapes: an NPI without a state; two shipping addresses differing only by organization. */
export const dataContract11Members = {
  npiNumbers: [{ npiNumber: '1740252501' }, { npiNumber: '1215284153', state: 'MA' }],
  shippingAddresses: [shippingAddress('NORTH WING'), shippingAddress('SOUTH WING')],
};
