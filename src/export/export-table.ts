/** How a column's values are written: text as is, timestamps as ISO 8601 UTC instants, integers as numbers, JSON as a value. */
export type ColumnKind = 'text' | 'timestamp' | 'integer' | 'json';

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
}

/**
 * A cell as an export reads it from the database: text or NULL. Timestamps
 * arrive as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds kept), integers in
 * decimal, JSON as its text.
 */
export type ExportCell = string | null;

/** What every format writes: named, typed columns and their rows, streamed. */
export interface ExportRows {
  columns: readonly ExportColumn[];
  rows: AsyncIterable<readonly ExportCell[]>;
}

/** A timestamp cell without trailing zero fractions: `2026-03-01T05:00:00.500000Z` → `2026-03-01T05:00:00.5Z`. */
export function isoInstant(cell: string): string {
  return cell.replace(/\.?0*Z$/, 'Z');
}

/** An ISO instant (`2026-03-01T05:00:00.000Z`) in the cells' form, to the microsecond: `2026-03-01T05:00:00.000000Z`. */
export function microsInstant(iso: string): string {
  const [whole, fraction = ''] = iso.replace(/Z$/, '').split('.');
  return `${whole}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}
