import { text } from '../source-values.ts';
import type { Cell } from '../table-spec.ts';

/** The address columns that dim_ce_street_address, dim_ce_billing_address and dim_ce_shipping_address share. */
export const addressColumns = [
  'address_line1',
  'address_line2',
  'address_line3',
  'city',
  'state',
  'zip',
  'zip4',
] as const;

const addressMembers = [
  'addressLine1',
  'addressLine2',
  'addressLine3',
  'city',
  'state',
  'zip',
  'zip4',
] as const;

/** The cells of addressColumns from a source address object found at `path` (named in errors). */
export function addressCells(address: Record<string, unknown>, path: string): Cell[] {
  return addressMembers.map((member) => text(address[member], `${path}.${member}`));
}
