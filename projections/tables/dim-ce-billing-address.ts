import { memberObject, text } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';

/** An entity without a billingAddress has no row (its key disappears). */
export const dimCeBillingAddress: EntityTableSpec = {
  table: 'dim_ce_billing_address',
  columns: [
    'id340b',
    'ce_id',
    'organization',
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
    if (entity.billingAddress === undefined) return [];
    const address = memberObject(entity, 'billingAddress', 'billingAddress');
    return [
      [
        key.id340b,
        key.ceId,
        text(address.organization, 'billingAddress.organization'),
        text(address.addressLine1, 'billingAddress.addressLine1'),
        text(address.addressLine2, 'billingAddress.addressLine2'),
        text(address.addressLine3, 'billingAddress.addressLine3'),
        text(address.city, 'billingAddress.city'),
        text(address.state, 'billingAddress.state'),
        text(address.zip, 'billingAddress.zip'),
        text(address.zip4, 'billingAddress.zip4'),
      ],
    ];
  },
};
