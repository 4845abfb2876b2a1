import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import type { ColumnKind, ExportColumn, ExportRows } from './export-table.ts';
import { parseWhere, whereSql } from './parse-where.ts';
import { streamQuery } from './stream-query.ts';

export interface DimTableSelection {
  table: string;
  /** Rows in force at this instant (text PostgreSQL reads as a timestamptz); default: the current rows. */
  asOf?: string;
  /** Every version instead of the rows in force. */
  history?: boolean;
  where?: readonly string[];
  /** Where a bad filter came from, for its message (`--where`, `querystring/where`). */
  wherePlace?: string;
}

interface TableColumn extends ExportColumn {
  /** PostgreSQL's type, which decides how the column is read and compared. */
  dataType: string;
}

/**
 * The SCD2 tables (docs/projections.md), as the database lists them: every
 * `dim_*` table with an effective and an expiration instant (so not the
 * projectors' working tables). `row_id` is left out: it differs between a
 * live table and its rebuild, and no export reader can use it.
 */
export async function listDimTables(pool: pg.Pool): Promise<Map<string, TableColumn[]>> {
  const { rows } = await pool.query<{ table_name: string; column_name: string; data_type: string }>(
    `select c.table_name, c.column_name, c.data_type
       from information_schema.columns c
      where c.table_schema = current_schema() and c.table_name like 'dim\\_%' and c.column_name <> 'row_id'
        and exists (select 1 from information_schema.columns e
                     where e.table_schema = c.table_schema and e.table_name = c.table_name
                       and e.column_name = 'expiration_stp')
      order by c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, TableColumn[]>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? [];
    columns.push({ name: row.column_name, kind: kindOf(row.data_type), dataType: row.data_type });
    tables.set(row.table_name, columns);
  }
  return tables;
}

function kindOf(dataType: string): ColumnKind {
  if (dataType.startsWith('timestamp')) return 'timestamp';
  if (dataType === 'bigint' || dataType === 'integer') return 'integer';
  return 'text';
}

/** Rows of one dim_* table: current, as of an instant or every version; filtered; in row order. */
export async function dimTableRows(pool: pg.Pool, selection: DimTableSelection): Promise<ExportRows> {
  const tables = await listDimTables(pool);
  const columns = tables.get(selection.table);
  if (!columns) {
    throw new OpaisError(
      'EXPORT_UNKNOWN',
      `no export named ${JSON.stringify(selection.table)}; exports: ${[...tables.keys(), 'changes', 'snapshot'].join(', ')}`,
      { export: selection.table },
    );
  }
  const values: unknown[] = [];
  const conditions = whereSql(
    parseWhere(selection.where ?? [], columns, selection.wherePlace ?? 'where'),
    values,
    (column) => instantOf(column as TableColumn),
  );
  if (!selection.history) {
    if (selection.asOf === undefined) {
      conditions.unshift(`current_version_flg = 'Y'`);
    } else {
      values.push(selection.asOf);
      const asOf = `($${values.length}::timestamptz at time zone 'UTC')`;
      conditions.unshift(`effective_stp <= ${asOf} and expiration_stp > ${asOf}`);
    }
  }
  const text = `select ${columns.map(selectExpression).join(', ')} from ${quote(selection.table)}${
    conditions.length > 0 ? ` where ${conditions.join(' and ')}` : ''
  } order by row_id`;
  return {
    columns: columns.map(({ name, kind }) => ({ name, kind })),
    rows: streamQuery(pool, text, values),
  };
}

/** A column as text: timestamps as UTC ISO instants to the microsecond. */
function selectExpression(column: TableColumn): string {
  if (column.kind !== 'timestamp') return `${quote(column.name)}::text`;
  return `to_char(${instantOf(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A column as a comparable instant: the tables' zone-less timestamps are UTC. */
function instantOf(column: TableColumn): string {
  if (column.dataType === 'timestamp without time zone') return `(${quote(column.name)} at time zone 'UTC')`;
  return quote(column.name);
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
