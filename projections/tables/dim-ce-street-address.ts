import { memberObject } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';
import { addressCells, addressColumns } from './address-cells.ts';

/** An entity without a streetAddress has no row (its key disappears). */
export const dimCeStreetAddress: EntityTableSpec = {
  table: 'dim_ce_street_address',
  columns: ['id340b', 'ce_id', ...addressColumns],
  keyLength: 2,
  timestampColumns: new Set(),
  rows(entity, key) {
    if (entity.streetAddress === undefined) return [];
    const address = memberObject(entity, 'streetAddress', 'streetAddress');
    return [[key.id340b, key.ceId, ...addressCells(address, 'streetAddress')]];
  },
};
