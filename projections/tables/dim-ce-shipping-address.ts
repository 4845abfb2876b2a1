import { booleanFlag, memberObjects, text } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';
import { addressCells, addressColumns } from './address-cells.ts';

/** Keyed by all its columns: any change to an address is that address disappearing and another appearing. */
export const dimCeShippingAddress: EntityTableSpec = {
  table: 'dim_ce_shipping_address',
  columns: ['id340b', 'ce_id', 'organization', 'is_340b_street_address_flg', ...addressColumns],
  keyLength: 11,
  timestampColumns: new Set(),
  rows(entity, key) {
    return memberObjects(entity, 'shippingAddresses').map((address, index) => {
      const path = `shippingAddresses[${index}]`;
      return [
        key.id340b,
        key.ceId,
        text(address.organization, `${path}.organization`),
        booleanFlag(address.is340BStreetAddress, `${path}.is340BStreetAddress`),
        ...addressCells(address, path),
      ];
    });
  },
};
