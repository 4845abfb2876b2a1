import type { CanonicalEntity } from '../src/events/event-types.ts';

/** A column value as the projections handle it: text (timestamps as `YYYY-MM-DD HH:MM:SS.ffffff`) or NULL. */
export type Cell = string | null;

/** The columns of one row of a contract table (docs/data-contract.md#the-tables), in `TableSpec.columns` order. */
export type Row = readonly Cell[];

export type TimestampCell = 'timestamp';

/**
 * One SCD2 table of the data contract (docs/data-contract.md#the-tables): its
 * contract columns (the key's columns first) and which of them hold
 * timestamps (read back with a fixed text format so a
 * stored row compares equal to a freshly derived one).
 */
export interface TableSpec {
  readonly table: string;
  readonly columns: readonly string[];
  /** The key is the first `keyLength` columns. */
  readonly keyLength: number;
  readonly timestampColumns: ReadonlySet<string>;
}

/** A table derived from one entity at a time: the entity's canonical state gives all of its rows. */
export interface EntityTableSpec extends TableSpec {
  /** The rows of an entity's current state; throws PROJECTION_FAILED when the state cannot be projected. */
  rows(entity: CanonicalEntity, key: EntityKey): Row[];
}

/** An entity's key as the tables store it: ce_id as text. */
export interface EntityKey {
  id340b: string;
  ceId: string;
}

/** An entity's key as one map key (a row's id340b and ce_id cells, or an EntityKey's parts). */
export function entityKey(id340b: unknown, ceId: unknown): string {
  return `${id340b}\u0000${ceId}`;
}
