import { memberObject, text } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';
import { addressCells, addressColumns } from './address-cells.ts';

/** An entity without a billingAddress has no row (its key disappears). */
export const dimCeBillingAddress: EntityTableSpec = {
  table: 'dim_ce_billing_address',
  columns: ['id340b', 'ce_id', 'organization', ...addressColumns],
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
        ...addressCells(address, 'billingAddress'),
      ],
    ];
  },
};
