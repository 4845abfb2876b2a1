import type { CanonicalEntity } from '../../src/events/event-types.ts';
import { idText, memberObjects, sourceTimestamp } from '../source-values.ts';
import type { Cell, EntityKey, Row, TableSpec } from '../table-spec.ts';
import { pharmacyCells, pharmacyColumns } from './pharmacy-cells.ts';

/**
 * dim_pharmacy is built across entities (docs/data-contract.md#the-tables): a
 * pharmacy is current while some current contract names it, and its columns come from the
 * contract with the latest editDate (missing = oldest), ties broken by the
 * largest contract id as a number. Contracts are its "sources".
 */
export const dimPharmacy: TableSpec = {
  table: 'dim_pharmacy',
  columns: ['pharmacy_id', ...pharmacyColumns],
  keyLength: 1,
  timestampColumns: new Set(),
};

/** Columns of dim_pharmacy_sources (without event_position): who names the pharmacy, the tie-breakers, then the dim_pharmacy row. */
export const pharmacySourceColumns = [
  'id340b',
  'ce_id',
  'contract_id',
  'edit_stp',
  ...dimPharmacy.columns,
] as const;
export const pharmacySourceTimestampColumns: ReadonlySet<string> = new Set(['edit_stp']);
const rowStart = 4;

/** The contracts of an entity's state that name a pharmacy, as dim_pharmacy_sources rows. */
export function pharmacySources(entity: CanonicalEntity, key: EntityKey): Row[] {
  const sources: Row[] = [];
  for (const [index, contract] of memberObjects(entity, 'contractPharmacies').entries()) {
    const path = `contractPharmacies[${index}]`;
    const pharmacyId = idText(contract.pharmacyId, `${path}.pharmacyId`);
    if (pharmacyId === null) continue;
    sources.push([
      key.id340b,
      key.ceId,
      idText(contract.contractId, `${path}.contractId`),
      sourceTimestamp(contract.editDate, `${path}.editDate`),
      pharmacyId,
      ...pharmacyCells(contract, path),
    ]);
  }
  return sources;
}

export function sourcePharmacyId(source: Row): string {
  return source[rowStart] as string;
}

/**
 * The dim_pharmacy rows of some pharmacies given all the sources that name
 * them (any order). Beyond the contract's two tie-breakers
 * (docs/data-contract.md#the-tables), the naming entity and then the row itself
 * decide, so that the choice never depends on order.
 */
export function pharmacyRows(sources: Iterable<Row>): Row[] {
  const best = new Map<string, Row>();
  for (const source of sources) keepBestSource(best, source);
  return [...best.values()].map((source) => source.slice(rowStart));
}

/** Keeps, per pharmacy, the source that supplies its columns. The choice is a maximum, so it can be made incrementally. */
function keepBestSource(best: Map<string, Row>, source: Row): void {
  const pharmacyId = sourcePharmacyId(source);
  const current = best.get(pharmacyId);
  if (current === undefined || compareSources(source, current) > 0) best.set(pharmacyId, source);
}

function compareSources(a: Row, b: Row): number {
  return (
    compareText(a[3] ?? null, b[3] ?? null) || // edit_stp: fixed-width text orders as time; NULL is oldest
    compareNumeric(a[2] ?? null, b[2] ?? null) || // contract_id as a number
    compareText(a[0] ?? null, b[0] ?? null) ||
    compareNumeric(a[1] ?? null, b[1] ?? null) ||
    compareText(JSON.stringify(a.slice(rowStart)), JSON.stringify(b.slice(rowStart)))
  );
}

function compareText(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function compareNumeric(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}
