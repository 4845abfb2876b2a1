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

  const keyOf = keyFunction(spec, current, next);
  const nextByKey = new Map<unknown, Row>();
  for (const row of next) {
    const key = keyOf(row);
    const seen = nextByKey.get(key);
    if (seen === undefined) nextByKey.set(key, row);
    else if (!sameRow(seen, row)) {
      throw new OpaisError(
        'PROJECTION_FAILED',
        `two different ${spec.table} rows have the key (${spec.columns.slice(0, spec.keyLength).join(', ')}) = ${JSON.stringify(row.slice(0, spec.keyLength))}: ${JSON.stringify(seen)} and ${JSON.stringify(row)}`,
      );
    }
  }

  const currentKeys = new Set<unknown>();
  for (const version of current) {
    const key = keyOf(version.row);
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

/**
 * How to tell the keys of these rows apart. The rows of one entity's diff
 * share its id340b and ce_id, so when all of them agree on every key cell
 * but the last, that cell alone is the key (a Map tells null from "null"):
 * no key string is built for each of day 0's 452k contract-pharmacy rows
 * (JSON.stringify of the key took ≈ 0.2 s of a full-scale day-0
 * projection). Otherwise the key's cells as JSON.
 */
function keyFunction(
  spec: TableSpec,
  current: readonly CurrentVersion[],
  next: readonly Row[],
): (row: Row) => unknown {
  const last = spec.keyLength - 1;
  const first = next[0] ?? current[0]?.row;
  const sharesLeadingCells = (row: Row) => {
    for (let index = 0; index < last; index++) if (row[index] !== first?.[index]) return false;
    return true;
  };
  if (next.every(sharesLeadingCells) && current.every((version) => sharesLeadingCells(version.row)))
    return (row) => row[last];
  return (row) => JSON.stringify(row.length === spec.keyLength ? row : row.slice(0, spec.keyLength));
}

/** Cells are text or NULL, so === tells them apart exactly (NULL is not the text "null"). */
function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
