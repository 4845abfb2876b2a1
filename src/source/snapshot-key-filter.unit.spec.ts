import { describe, expect, it } from 'vitest';
import { isSnapshotKey, readSnapshotKeyFilter } from './snapshot-key-filter.ts';

describe('snapshot key filter', () => {
  it('takes .json and .zip anywhere by default, in any case', () => {
    const filter = readSnapshotKeyFilter({});
    expect(isSnapshotKey('OPA_CE_DAILY_PUBLIC.JSON', filter)).toBe(true);
    expect(isSnapshotKey('a/b/export.zip', filter)).toBe(true);
    expect(isSnapshotKey('a/b/notes.txt', filter)).toBe(false);
    expect(isSnapshotKey('a/b.json/', filter)).toBe(false);
  });

  it('follows OPAIS_SNAPSHOT_PREFIX and OPAIS_SNAPSHOT_SUFFIXES', () => {
    const filter = readSnapshotKeyFilter({
      OPAIS_SNAPSHOT_PREFIX: 'daily/',
      OPAIS_SNAPSHOT_SUFFIXES: ' .JSON.gz , .zip',
    });
    expect(filter).toEqual({ prefix: 'daily/', suffixes: ['.json.gz', '.zip'] });
    expect(isSnapshotKey('daily/x.zip', filter)).toBe(true);
    expect(isSnapshotKey('daily/x.json', filter)).toBe(false);
    expect(isSnapshotKey('other/x.zip', filter)).toBe(false);
  });
});
