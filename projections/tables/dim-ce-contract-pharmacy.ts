import { idText, memberObjects, sourceTimestamp } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';
import { pharmacyCells, pharmacyColumns } from './pharmacy-cells.ts';

export const dimCeContractPharmacy: EntityTableSpec = {
  table: 'dim_ce_contract_pharmacy',
  columns: [
    'id340b',
    'ce_id',
    'contract_id',
    'pharmacy_id',
    ...pharmacyColumns,
    'begin_stp',
    'termination_stp',
  ],
  keyLength: 3,
  timestampColumns: new Set(['begin_stp', 'termination_stp']),
  rows(entity, key) {
    return memberObjects(entity, 'contractPharmacies').flatMap((contract, index) => {
      const path = `contractPharmacies[${index}]`;
      const contractId = idText(contract.contractId, `${path}.contractId`);
      // The key's third part: a contract without one cannot be told apart from the entity's others, so it has no
      // row. The ingest refuses such an entity; only a log written before that check can hold one.
      if (contractId === null) return [];
      return [
        [
          key.id340b,
          key.ceId,
          contractId,
          idText(contract.pharmacyId, `${path}.pharmacyId`),
          ...pharmacyCells(contract, path),
          sourceTimestamp(contract.beginDate, `${path}.beginDate`),
          sourceTimestamp(contract.terminationDate, `${path}.terminationDate`),
        ],
      ];
    });
  },
};
