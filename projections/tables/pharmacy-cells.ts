import { memberObject, text } from '../source-values.ts';
import type { Cell } from '../table-spec.ts';

/** The pharmacy's own columns (name, address, phone), which dim_ce_contract_pharmacy and dim_pharmacy share. */
export const pharmacyColumns = [
  'name',
  'address_line1',
  'address_line2',
  'address_city',
  'address_state',
  'address_zip',
  'phone_number',
] as const;

/** The cells of pharmacyColumns as a contract repeats them (dim_ce_contract_pharmacy, and dim_pharmacy's sources). */
export function pharmacyCells(contract: Record<string, unknown>, path: string): Cell[] {
  const address = memberObject(contract, 'address', `${path}.address`);
  return [
    text(contract.name, `${path}.name`),
    text(address.addressLine1, `${path}.address.addressLine1`),
    text(address.addressLine2, `${path}.address.addressLine2`),
    text(address.city, `${path}.address.city`),
    text(address.state, `${path}.address.state`),
    text(address.zip, `${path}.address.zip`),
    text(contract.phoneNumber, `${path}.phoneNumber`),
  ];
}
