import { describe, expect, it } from 'vitest';
import { datedSnapshotName, dateInKey } from './snapshot-key-date.ts';

describe('dateInKey', () => {
  it.each([
    ['daily/2026-11-26/OPA_CE_DAILY_PUBLIC.JSON', '2026-11-26T00:00:00.000Z'],
    ['daily/OPA_CE_DAILY_PUBLIC_2026-11-26T05:30:00Z.json', '2026-11-26T05:30:00.000Z'],
    ['daily/OPA_CE_DAILY_PUBLIC_2026-11-26T05-30-00Z.json', '2026-11-26T05:30:00.000Z'],
    ['daily/x_2026-11-26T053000.json', '2026-11-26T05:30:00.000Z'],
    ['OPA_CE_DAILY_PUBLIC_20261126T053000Z.zip', '2026-11-26T05:30:00.000Z'],
    ['dt=2026-11-25/export_2026-11-26.json', '2026-11-26T00:00:00.000Z'],
    ['archive/OPA_CE_DAILY_PUBLIC-2026-11-01.JSON', '2026-11-01T00:00:00.000Z'],
    ['daily/20261126.json', '2026-11-26T00:00:00.000Z'],
    ['exports/opa_20261101_v2.zip', '2026-11-01T00:00:00.000Z'],
    ['exports/2026/11/01/OPA_CE_DAILY_PUBLIC.JSON', '2026-11-01T00:00:00.000Z'],
  ])('reads %s as %s', (key, expected) => {
    expect(dateInKey(key)?.toISOString()).toBe(expected);
  });

  it.each([
    'OPA_CE_DAILY_PUBLIC.JSON',
    'daily/2026-02-30.json',
    'daily/12026-11-26.json',
    'daily/20261399.json',
    'daily/120261126.json',
    'daily/2026/13/01/x.json',
    'daily/2026-11-26T25:00:00Z.json',
  ])('finds no date in %s', (key) => {
    expect(dateInKey(key)).toBeUndefined();
  });

  it('reads back the names the fetcher writes', () => {
    const asOf = new Date('2026-11-26T05:30:07.123Z');
    expect(datedSnapshotName(asOf, '.JSON')).toBe('OPA_CE_DAILY_PUBLIC_20261126T053007Z.JSON');
    expect(dateInKey(`incoming/${datedSnapshotName(asOf, '.zip')}`)).toEqual(
      new Date('2026-11-26T05:30:07Z'),
    );
  });
});
