import { memberObjects, text } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';

export const dimCeMedicaidNumbers: EntityTableSpec = {
  table: 'dim_ce_medicaid_numbers',
  columns: ['id340b', 'ce_id', 'medicaid_number', 'state'],
  keyLength: 4,
  timestampColumns: new Set(),
  rows(entity, key) {
    return memberObjects(entity, 'medicaidNumbers').map((item, index) => [
      key.id340b,
      key.ceId,
      text(item.medicaidNumber, `medicaidNumbers[${index}].medicaidNumber`),
      text(item.state, `medicaidNumbers[${index}].state`),
    ]);
  },
};
