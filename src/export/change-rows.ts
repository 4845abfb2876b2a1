import { OpaisError } from '../errors.ts';
import { entityEventTypes } from '../events/event-types.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import { changeItems } from '../subscriptions/change-items.ts';
import { type ExportCell, type ExportColumn, type ExportRows, microsInstant } from './export-table.ts';
import { type FilterCondition, parseWhere } from './parse-where.ts';

/** Which part of the feed: positions and as-of instants, each bound inclusive. */
export interface ChangeRange {
  fromPosition?: number;
  toPosition?: number;
  /** Instants as text (`parseAsOfParam`). */
  from?: string;
  to?: string;
}

const columns: readonly ExportColumn[] = [
  { name: 'position', kind: 'integer' },
  { name: 'event_id', kind: 'text' },
  { name: 'type', kind: 'text' },
  { name: 'id340b', kind: 'text' },
  { name: 'ce_id', kind: 'integer' },
  { name: 'as_of', kind: 'timestamp' },
  { name: 'entity_type', kind: 'text' },
  { name: 'state', kind: 'text' },
  { name: 'changed_paths', kind: 'json' },
  { name: 'changes', kind: 'json' },
];

const pageEvents = 2000;

/**
 * The change feed as rows: one per entity event in the range, in log order,
 * read through the event store a page at a time. `--where` applies to the
 * rows as they pass (the events are not in SQL tables every backend has).
 */
export async function changeRows(
  store: EventStoreReader,
  range: ChangeRange,
  where: readonly string[],
  wherePlace: string,
): Promise<ExportRows> {
  const conditions = parseWhere(where, columns, wherePlace);
  const to = range.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.to);
  const toPosition = range.toPosition ?? Number.POSITIVE_INFINITY;
  let after = Math.max(0, (range.fromPosition ?? 1) - 1);
  if (range.from !== undefined) {
    // A snapshot's entity events come before its SnapshotIngested: start after the last snapshot before `from`.
    const from = Date.parse(range.from);
    const before = (await store.listSnapshots()).filter((snapshot) => snapshot.asOf.getTime() < from).at(-1);
    after = Math.max(after, before?.globalPosition ?? 0);
  }
  if (after + 1 > toPosition) {
    throw new OpaisError('INVALID_ARGUMENT', `the position range ${after + 1}..${toPosition} is empty`);
  }
  async function* rows(): AsyncGenerator<ExportCell[]> {
    for (;;) {
      const events = await store.readAll({ after, limit: pageEvents, types: entityEventTypes });
      if (events.length === 0) return;
      for (const item of await changeItems(store, events)) {
        if (item.position > toPosition || Date.parse(item.asOf) > to) return;
        const row = [
          String(item.position),
          item.eventId,
          item.type,
          item.id340B,
          String(item.ceId),
          microsInstant(item.asOf),
          item.entityType,
          item.state,
          JSON.stringify(item.changedPaths),
          item.changes ? JSON.stringify(item.changes) : null,
        ];
        if (conditions.every((condition) => holds(condition, row))) yield row;
      }
      after = events.at(-1)?.globalPosition as number;
    }
  }
  return { columns, rows: rows() };
}

function holds(condition: FilterCondition, row: readonly ExportCell[]): boolean {
  const cell = row[columns.indexOf(condition.column)] ?? null;
  const { operator, values } = condition;
  if (operator === '=' || operator === '!=') {
    const equal =
      values.length === 0
        ? cell === null
        : cell !== null && values.some((value) => compare(condition.column, cell, value) === 0);
    return operator === '=' ? equal : !equal;
  }
  if (cell === null) return false;
  const value = values[0] as string;
  if (operator === '~') return cell.toLowerCase().includes(value.toLowerCase());
  const order = compare(condition.column, cell, value);
  return operator === '<'
    ? order < 0
    : operator === '<='
      ? order <= 0
      : operator === '>'
        ? order > 0
        : order >= 0;
}

/** Orders a cell and a filter value as the column's kind does (instants and numbers by value). */
function compare(column: ExportColumn, cell: string, value: string): number {
  if (column.kind === 'integer') return Math.sign(Number(cell) - Number(value));
  if (column.kind === 'timestamp') {
    return Math.sign(Date.parse(cell) - Date.parse(/Z|[+-]\d{2}:?\d{2}$/i.test(value) ? value : `${value}Z`));
  }
  return cell < value ? -1 : cell > value ? 1 : 0;
}
