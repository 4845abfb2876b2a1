import { OpaisError } from '../errors.ts';
import type { ExportColumn } from './export-table.ts';

export type FilterOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';

/** One condition of a filter; a condition's values are alternatives (`state=TN|GA`). */
export interface FilterCondition {
  column: ExportColumn;
  operator: FilterOperator;
  /** Empty for `column=` / `column!=` (is / is not NULL). */
  values: string[];
}

const conditionPattern = /^([a-z_][a-z0-9_]*)\s*(!=|<=|>=|=|<|>|~)(.*)$/is;

/**
 * The export filter language: conditions `column OP value` joined by `,`
 * (and across repeated `--where`), all of which must hold. OP is one of
 * `= != < <= > >= ~` (`~`: contains, ignoring case); `a|b` after `=` or `!=`
 * lists alternatives; an empty value after `=`/`!=` means NULL / not NULL;
 * `\,` `\|` `\\` escape. Columns are checked against the export's columns,
 * and values only ever travel as query parameters: the filter can select
 * rows, never change the statement.
 */
export function parseWhere(
  clauses: readonly string[],
  columns: readonly ExportColumn[],
  place: string,
): FilterCondition[] {
  const byName = new Map(columns.map((column) => [column.name, column]));
  const conditions: FilterCondition[] = [];
  for (const clause of clauses) {
    for (const text of splitUnescaped(clause, ',')) {
      if (text.trim() === '') continue;
      const match = conditionPattern.exec(text.trim());
      if (!match) {
        throw filterInvalid(
          place,
          `${JSON.stringify(text)} is not "column=value" (operators = != < <= > >= ~)`,
        );
      }
      const [, name, operator, rawValue] = match as unknown as [string, string, FilterOperator, string];
      const column = byName.get(name.toLowerCase());
      if (!column) {
        throw filterInvalid(
          place,
          `unknown column ${JSON.stringify(name)}; columns: ${columns.map((c) => c.name).join(', ')}`,
        );
      }
      const values =
        operator === '=' || operator === '!='
          ? rawValue === ''
            ? []
            : splitUnescaped(rawValue, '|').map(unescaped)
          : [unescaped(rawValue)];
      if (operator !== '=' && operator !== '!=' && values[0] === '') {
        throw filterInvalid(place, `${JSON.stringify(text)}: ${operator} needs a value`);
      }
      if (column.kind === 'json') {
        throw filterInvalid(place, `column ${column.name} holds JSON and cannot be filtered`);
      }
      for (const value of values) checkValue(column, value, place);
      conditions.push({ column, operator, values });
    }
  }
  return conditions;
}

function checkValue(column: ExportColumn, value: string, place: string): void {
  if (column.kind === 'integer' && !/^-?\d{1,18}$/.test(value)) {
    throw filterInvalid(place, `${column.name} holds whole numbers, not ${JSON.stringify(value)}`);
  }
  if (
    column.kind === 'timestamp' &&
    Number.isNaN(Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`))
  ) {
    throw filterInvalid(place, `${column.name} holds instants, not ${JSON.stringify(value)}`);
  }
}

function filterInvalid(place: string, reason: string): OpaisError {
  return new OpaisError('FILTER_INVALID', `${place}: ${reason}`, { place });
}

/** Splits on `separator` where it is not escaped by a backslash; escapes stay for `unescaped`. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === '\\' && index + 1 < text.length) {
      current += char + text[index + 1];
      index += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unescaped(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/**
 * The SQL of the conditions, `and`-ed, with their values appended to
 * `values` as parameters. Column names come from the database's own list,
 * and are quoted besides.
 */
export function whereSql(
  conditions: readonly FilterCondition[],
  values: unknown[],
  expression: (column: ExportColumn) => string,
): string[] {
  return conditions.map(({ column, operator, values: alternatives }) => {
    const target = expression(column);
    const parameter = (value: string) => {
      values.push(value);
      return `$${values.length}${castOf(column)}`;
    };
    if (operator === '=' || operator === '!=') {
      if (alternatives.length === 0) return `${target} is ${operator === '=' ? '' : 'not '}null`;
      const list = alternatives.map(parameter).join(', ');
      return operator === '='
        ? `${target} in (${list})`
        : `(${target} is null or ${target} not in (${list}))`;
    }
    if (operator === '~') {
      values.push(`%${(alternatives[0] as string).replace(/[\\%_]/g, '\\$&')}%`);
      return `${target}::text ilike $${values.length}`;
    }
    return `${target} ${operator} ${parameter(alternatives[0] as string)}`;
  });
}

function castOf(column: ExportColumn): string {
  if (column.kind === 'timestamp') return '::timestamptz';
  if (column.kind === 'integer') return '::bigint';
  return '::text';
}
