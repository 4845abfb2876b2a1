import { memberObject, text } from '../source-values.ts';
import type { Cell } from '../table-spec.ts';

/**
 * The pharmacy's own columns as a contract repeats them (name, address,
 * phone), shared by dim_ce_contract_pharmacy and the sources of
 * dim_pharmacy: address_line1, address_line2, address_city, address_state,
 * address_zip, in that order after name and before phone_number.
 */
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
