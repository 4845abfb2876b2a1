import { memberObjects, text } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';

export const dimNpi: EntityTableSpec = {
  table: 'dim_npi',
  columns: ['id340b', 'ce_id', 'npi', 'state'],
  keyLength: 4,
  timestampColumns: new Set(),
  rows(entity, key) {
    return memberObjects(entity, 'npiNumbers').map((item, index) => [
      key.id340b,
      key.ceId,
      text(item.npiNumber, `npiNumbers[${index}].npiNumber`),
      text(item.state, `npiNumbers[${index}].state`),
    ]);
  },
};
