import { describe, expect, it } from 'vitest';
import type { ExportColumn } from './export-table.ts';
import { parseWhere, whereSql } from './parse-where.ts';

const columns: ExportColumn[] = [
  { name: 'name', kind: 'text' },
  { name: 'state', kind: 'text' },
  { name: 'event_position', kind: 'integer' },
  { name: 'effective_stp', kind: 'timestamp' },
];

function sql(...clauses: string[]) {
  const values: unknown[] = [];
  const text = whereSql(parseWhere(clauses, columns, '--where'), values, (column) => `"${column.name}"`);
  return { text, values };
}

describe('the export filter language', () => {
  it('turns conditions into parameterised SQL, values never in the text', () => {
    expect(sql("state=TN|GA, name~o'hara_%", 'event_position>=10')).toEqual({
      text: ['"state" in ($1::text, $2::text)', '"name"::text ilike $3', '"event_position" >= $4::bigint'],
      values: ['TN', 'GA', "%o'hara\\_\\%%", '10'],
    });
  });

  it('reads an empty value as NULL, != as "differs or is NULL", and backslash escapes', () => {
    expect(sql('state=', 'name!=').text).toEqual(['"state" is null', '"name" is not null']);
    expect(sql('state!=TN').text).toEqual(['("state" is null or "state" not in ($1::text))']);
    expect(sql('name=A\\, B\\|C|D').values).toEqual(['A, B|C', 'D']);
    expect(sql('effective_stp<2026-03-01T05:00:00Z').text).toEqual(['"effective_stp" < $1::timestamptz']);
  });

  it('refuses what is not a condition on a known column with a valid value, naming the place', () => {
    for (const bad of [
      'state',
      'nope=1',
      'State;drop=1',
      'event_position>ten',
      'effective_stp>=someday',
      'name<',
      '=TN',
    ]) {
      expect(() => parseWhere([bad], columns, '--where'), bad).toThrowError(
        expect.objectContaining({ code: 'FILTER_INVALID', message: expect.stringContaining('--where') }),
      );
    }
  });
});
