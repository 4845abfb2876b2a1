import { describe, expect, it } from 'vitest';
import { diffVersions } from './scd2-diff.ts';
import type { TableSpec } from './table-spec.ts';

const keyed: TableSpec = { table: 't', columns: ['k', 'a', 'b'], keyLength: 1, timestampColumns: new Set() };
const allKey: TableSpec = { table: 's', columns: ['k', 'a'], keyLength: 2, timestampColumns: new Set() };

describe('diffVersions', () => {
  it('inserts a key that appears', () => {
    expect(diffVersions(keyed, [], [['1', 'x', null]])).toEqual({
      expire: [],
      insert: [{ row: ['1', 'x', null], changeType: 'INSERT' }],
    });
  });

  it('touches nothing when the columns are unchanged', () => {
    expect(diffVersions(keyed, [{ rowId: 7, row: ['1', 'x', null] }], [['1', 'x', null]])).toEqual({
      expire: [],
      insert: [],
    });
  });

  it('expires and inserts an UPDATE when a column changes, including NULL ↔ value', () => {
    expect(diffVersions(keyed, [{ rowId: 7, row: ['1', 'x', null] }], [['1', 'x', 'y']])).toEqual({
      expire: [{ rowId: 7, deleted: false }],
      insert: [{ row: ['1', 'x', 'y'], changeType: 'UPDATE' }],
    });
    expect(diffVersions(keyed, [{ rowId: 7, row: ['1', 'x', 'y'] }], [['1', 'x', null]]).insert).toEqual([
      { row: ['1', 'x', null], changeType: 'UPDATE' },
    ]);
  });

  it('expires as DELETE a key that disappears', () => {
    expect(diffVersions(keyed, [{ rowId: 7, row: ['1', 'x', null] }], [])).toEqual({
      expire: [{ rowId: 7, deleted: true }],
      insert: [],
    });
  });

  it('treats a change of an all-columns key as one key gone and another come', () => {
    expect(diffVersions(allKey, [{ rowId: 3, row: ['1', 'old'] }], [['1', 'new']])).toEqual({
      expire: [{ rowId: 3, deleted: true }],
      insert: [{ row: ['1', 'new'], changeType: 'INSERT' }],
    });
  });

  it('tells NULL from the text "null" in keys and columns', () => {
    const changes = diffVersions(allKey, [{ rowId: 3, row: ['1', null] }], [['1', 'null']]);
    expect(changes.expire).toEqual([{ rowId: 3, deleted: true }]);
  });

  it('counts identical rows once and refuses two different rows under one key', () => {
    expect(
      diffVersions(
        allKey,
        [],
        [
          ['1', 'a'],
          ['1', 'a'],
        ],
      ).insert,
    ).toHaveLength(1);
    expect(() =>
      diffVersions(
        keyed,
        [],
        [
          ['1', 'x', null],
          ['1', 'y', null],
        ],
      ),
    ).toThrow(/two different t rows have the key \(k\) = \["1"\]/);
  });

  it('tells keys apart by all their cells when the rows differ before the last one', () => {
    // The same last key cell under two different leading cells: two keys, not one.
    const changes = diffVersions(
      allKey,
      [{ rowId: 1, row: ['1', 'a'] }],
      [
        ['2', 'a'],
        ['1', 'a'],
      ],
    );
    expect(changes).toEqual({ expire: [], insert: [{ row: ['2', 'a'], changeType: 'INSERT' }] });
    expect(diffVersions(allKey, [{ rowId: 1, row: ['2', 'a'] }], [['1', 'a']]).expire).toEqual([
      { rowId: 1, deleted: true },
    ]);
    // Sharing the leading cells, NULL and "null" as the last one are still two keys.
    expect(
      diffVersions(
        allKey,
        [],
        [
          ['1', null],
          ['1', 'null'],
        ],
      ).insert,
    ).toHaveLength(2);
  });

  it('handles many keys at once', () => {
    const changes = diffVersions(
      keyed,
      [
        { rowId: 1, row: ['a', '1', null] },
        { rowId: 2, row: ['b', '1', null] },
        { rowId: 3, row: ['c', '1', null] },
      ],
      [
        ['a', '1', null],
        ['b', '2', null],
        ['d', '1', null],
      ],
    );
    expect(changes.expire).toEqual([
      { rowId: 2, deleted: false },
      { rowId: 3, deleted: true },
    ]);
    expect(changes.insert).toEqual([
      { row: ['b', '2', null], changeType: 'UPDATE' },
      { row: ['d', '1', null], changeType: 'INSERT' },
    ]);
  });
});
