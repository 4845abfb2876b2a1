import { booleanFlag, memberObjects, text } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';

/** Keyed by all its columns: any change to an address is that address disappearing and another appearing. */
export const dimCeShippingAddress: EntityTableSpec = {
  table: 'dim_ce_shipping_address',
  columns: [
    'id340b',
    'ce_id',
    'is_340b_street_address_flg',
    'address_line1',
    'address_line2',
    'address_line3',
    'city',
    'state',
    'zip',
    'zip4',
  ],
  keyLength: 10,
  timestampColumns: new Set(),
  rows(entity, key) {
    return memberObjects(entity, 'shippingAddresses').map((address, index) => {
      const path = `shippingAddresses[${index}]`;
      return [
        key.id340b,
        key.ceId,
        booleanFlag(address.is340BStreetAddress, `${path}.is340BStreetAddress`),
        text(address.addressLine1, `${path}.addressLine1`),
        text(address.addressLine2, `${path}.addressLine2`),
        text(address.addressLine3, `${path}.addressLine3`),
        text(address.city, `${path}.city`),
        text(address.state, `${path}.state`),
        text(address.zip, `${path}.zip`),
        text(address.zip4, `${path}.zip4`),
      ];
    });
  },
};
