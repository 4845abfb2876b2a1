import { OpaisError } from '../src/errors.ts';
import type { Row, TableSpec } from './table-spec.ts';

/** A current version as stored: its surrogate key and its contract columns. */
export interface CurrentVersion {
  rowId: number;
  row: Row;
}

export interface VersionChanges {
  /** Current versions to end at this snapshot; `deleted` when their key is gone (change_type becomes DELETE). */
  expire: { rowId: number; deleted: boolean }[];
  /** New current versions: INSERT for a key that was not current, UPDATE for a key whose columns changed. */
  insert: { row: Row; changeType: 'INSERT' | 'UPDATE' }[];
}

/**
 * The SCD2 rules (docs/data-contract.md#rules-per-table-and-per-key) between the
 * current versions of some keys and the rows a snapshot's end state gives
 * them: a key appears → INSERT; its columns
 * change → the current version ends and an UPDATE begins; it disappears →
 * the current version ends as DELETE; unchanged → nothing is touched.
 *
 * Identical rows in `next` count once (sets may repeat a row once projected
 * to the table's columns); two different rows with one key cannot both be
 * current, so that state cannot be projected.
 */
export function diffVersions(
  spec: TableSpec,
  current: readonly CurrentVersion[],
  next: readonly Row[],
): VersionChanges {
  const changes: VersionChanges = { expire: [], insert: [] };
  // The common cases of a day-0 snapshot, without building keys.
  if (current.length === 0 && next.length <= 1) {
    for (const row of next) changes.insert.push({ row, changeType: 'INSERT' });
    return changes;
  }

  const nextByKey = new Map<string, Row>();
  for (const row of next) {
    const key = keyOf(spec, row);
    const seen = nextByKey.get(key);
    if (seen === undefined) nextByKey.set(key, row);
    else if (!sameRow(seen, row)) {
      throw new OpaisError(
        'PROJECTION_FAILED',
        `two different ${spec.table} rows have the key (${spec.columns.slice(0, spec.keyLength).join(', ')}) = ${key}: ${JSON.stringify(seen)} and ${JSON.stringify(row)}`,
      );
    }
  }

  const currentKeys = new Set<string>();
  for (const version of current) {
    const key = keyOf(spec, version.row);
    currentKeys.add(key);
    const successor = nextByKey.get(key);
    if (successor === undefined) {
      changes.expire.push({ rowId: version.rowId, deleted: true });
    } else if (!sameRow(successor, version.row)) {
      changes.expire.push({ rowId: version.rowId, deleted: false });
      changes.insert.push({ row: successor, changeType: 'UPDATE' });
    }
  }
  for (const [key, row] of nextByKey) {
    if (!currentKeys.has(key)) changes.insert.push({ row, changeType: 'INSERT' });
  }
  return changes;
}

function keyOf(spec: TableSpec, row: Row): string {
  return JSON.stringify(row.length === spec.keyLength ? row : row.slice(0, spec.keyLength));
}

/** Cells are text or NULL, so === tells them apart exactly (NULL is not the text "null"). */
function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
