import { memberObject, text } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';

/** An entity without a streetAddress has no row (its key disappears). */
export const dimCeStreetAddress: EntityTableSpec = {
  table: 'dim_ce_street_address',
  columns: [
    'id340b',
    'ce_id',
    'address_line1',
    'address_line2',
    'address_line3',
    'city',
    'state',
    'zip',
    'zip4',
  ],
  keyLength: 2,
  timestampColumns: new Set(),
  rows(entity, key) {
    if (entity.streetAddress === undefined) return [];
    const address = memberObject(entity, 'streetAddress', 'streetAddress');
    return [
      [
        key.id340b,
        key.ceId,
        text(address.addressLine1, 'streetAddress.addressLine1'),
        text(address.addressLine2, 'streetAddress.addressLine2'),
        text(address.addressLine3, 'streetAddress.addressLine3'),
        text(address.city, 'streetAddress.city'),
        text(address.state, 'streetAddress.state'),
        text(address.zip, 'streetAddress.zip'),
        text(address.zip4, 'streetAddress.zip4'),
      ],
    ];
  },
};
