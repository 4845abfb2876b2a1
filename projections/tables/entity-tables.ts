import type { EntityTableSpec } from '../table-spec.ts';
import { dimCe } from './dim-ce.ts';
import { dimCeBillingAddress } from './dim-ce-billing-address.ts';
import { dimCeContractPharmacy } from './dim-ce-contract-pharmacy.ts';
import { dimCeMedicaidNumbers } from './dim-ce-medicaid-numbers.ts';
import { dimCeShippingAddress } from './dim-ce-shipping-address.ts';
import { dimCeStreetAddress } from './dim-ce-street-address.ts';
import { dimNpi } from './dim-npi.ts';

/** The seven tables whose rows come from one entity's state alone. */
export const entityTables: readonly EntityTableSpec[] = [
  dimCe,
  dimCeMedicaidNumbers,
  dimNpi,
  dimCeStreetAddress,
  dimCeBillingAddress,
  dimCeShippingAddress,
  dimCeContractPharmacy,
];
