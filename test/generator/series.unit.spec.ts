import { describe, expect, it } from 'vitest';
import { canonicalEntityJson } from '../../src/snapshot/canonicalise.ts';
import { validateEntity } from '../../src/snapshot/validate-entity.ts';
import { type GeneratedSnapshot, generateSnapshots, snapshotText } from './generate-snapshots.ts';
import type { JsonObject } from './render-entity.ts';

const keyOf = (entity: JsonObject) => `${entity.id340B}.${entity.ceId}`;
const rowsOf = (entity: JsonObject) =>
  Array.isArray(entity.contractPharmacies) ? entity.contractPharmacies : [];
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/;

/** Every value at every depth, with the name of its member. */
function* members(value: unknown, name = ''): Generator<[string, unknown]> {
  yield [name, value];
  if (Array.isArray(value)) for (const item of value) yield* members(item, name);
  else if (value && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) yield* members(member, key);
  }
}

function canonicalByKey(snapshot: GeneratedSnapshot): Map<string, string> {
  return new Map(snapshot.coveredEntities.map((entity) => [keyOf(entity), canonicalEntityJson(entity)]));
}

describe('generateSnapshots', () => {
  const series = generateSnapshots({ seed: 'unit', entities: 2000, days: 5, reappearRate: 0.002 });

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const again = generateSnapshots({ seed: 'unit', entities: 2000, days: 5, reappearRate: 0.002 });
    for (const [day, snapshot] of series.entries()) {
      expect(snapshotText(again[day] as GeneratedSnapshot)).toBe(snapshotText(snapshot));
    }
    const [other] = generateSnapshots({ seed: 'other', entities: 2000, days: 1 });
    expect(snapshotText(other as GeneratedSnapshot)).not.toBe(snapshotText(series[0] as GeneratedSnapshot));
  });

  it('dates the days one after another from the first as-of', () => {
    expect(series.map((snapshot) => snapshot.asOf)).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
      '2026-11-03T05:00:00.000Z',
      '2026-11-04T05:00:00.000Z',
      '2026-11-05T05:00:00.000Z',
    ]);
    expect(series[2]?.fileName).toBe('OPA_CE_DAILY_PUBLIC-2026-11-03.JSON');
  });

  it('writes entities that the project accepts and that look like the export', () => {
    const day0 = series[0] as GeneratedSnapshot;
    expect(day0.coveredEntities).toHaveLength(2000);
    for (const snapshot of series) {
      for (const entity of snapshot.coveredEntities)
        expect(validateEntity(entity)).toMatchObject({ ok: true });
      expect(new Set(snapshot.coveredEntities.map(keyOf)).size).toBe(snapshot.coveredEntities.length);
    }
    const ids = new Set(day0.coveredEntities.map((entity) => entity.id340B as string));
    const children = [...ids].filter((id) => /[A-Z]$/.test(id));
    expect(children.length).toBeGreaterThan(200);
    for (const child of children) {
      const base = child.replace(/[A-Z]+$/, '');
      expect(ids.has(base) || ids.has(`${base}0`), `parent of ${child}`).toBe(true);
    }
    expect([...new Set(day0.coveredEntities.map((entity) => entity.entityType))]).toEqual(
      expect.arrayContaining(['DSH', 'CH', 'CAH', 'FP', 'STD', 'BL', 'RRC', 'SCH', 'FQHCLA']),
    );

    const all = series.flatMap((snapshot) =>
      snapshot.coveredEntities.flatMap((entity) => [...members(entity)]),
    );
    const values = (name: string) => all.filter(([member]) => member === name).map(([, value]) => value);
    for (const zip of values('zip')) expect(zip).toMatch(/^\d{5}$/);
    expect(values('zip').some((zip) => (zip as string).startsWith('0'))).toBe(true);
    expect(values('zip4').filter((zip4) => typeof zip4 === 'string' && zip4 !== '').length).toBeGreaterThan(
      0,
    );
    expect(
      values('phoneNumberExtension').some((extension) => typeof extension === 'string' && extension !== ''),
    ).toBe(true);
    expect(values('is340BStreetAddress')).toEqual(expect.arrayContaining([true, false]));
    const fractions = new Set(
      ['editDate', 'certifiedDecertifiedDate'].flatMap((name) =>
        values(name)
          .filter((value): value is string => typeof value === 'string' && value !== '')
          .map((value) => {
            expect(value).toMatch(timestampPattern);
            return value.split('.')[1]?.length ?? 0;
          }),
      ),
    );
    expect([...fractions].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Absent members are written every way the canonical form treats as absent.
    expect(values('subName')).toEqual(expect.arrayContaining([null, '']));
    expect(values('contractPharmacies')).toEqual(expect.arrayContaining([null, []]));
    expect(day0.coveredEntities.some((entity) => !('subName' in entity))).toBe(true);
    // Members the data contract does not name appear now and then.
    expect(
      day0.coveredEntities.some((entity) => 'dataSourceSystem' in entity || 'medicaidNumber' in entity),
    ).toBe(true);
    // Strings that trip byte-level readers: multi-byte UTF-8, quotes, backslashes, brackets, surrogate pairs.
    const text = snapshotText(day0);
    expect(text).toMatch(/[À-ÿ]/);
    expect(text).toContain('\\"');
    expect(text).toContain('\\\\');
    expect(text).toMatch(/"[^"\n]*[[{}\]][^"\n]*"/);
    expect(text).toMatch(/[\uD800-\uDBFF][\uDC00-\uDFFF]/);
  });

  it('shares pharmacies across entities, each with the same details on day 0', () => {
    const day0 = series[0] as GeneratedSnapshot;
    const byPharmacy = new Map<number, { details: Set<string>; entities: Set<string> }>();
    const contractIds = new Set<number>();
    for (const entity of day0.coveredEntities) {
      for (const row of rowsOf(entity) as JsonObject[]) {
        expect(typeof row.contractId).toBe('number');
        expect(typeof row.pharmacyId).toBe('number');
        contractIds.add(row.contractId as number);
        const seen = byPharmacy.get(row.pharmacyId as number) ?? { details: new Set(), entities: new Set() };
        const { address } = row as { address: JsonObject };
        seen.details.add(
          JSON.stringify([
            row.name,
            address.addressLine1,
            address.city,
            address.zip,
            row.phoneNumber || undefined,
          ]),
        );
        seen.entities.add(keyOf(entity));
        byPharmacy.set(row.pharmacyId as number, seen);
      }
    }
    const shared = [...byPharmacy.values()].filter((pharmacy) => pharmacy.entities.size > 1);
    expect(shared.length).toBeGreaterThan(byPharmacy.size / 4);
    expect(Math.max(...shared.map((pharmacy) => pharmacy.entities.size))).toBeGreaterThan(20);
    for (const pharmacy of byPharmacy.values()) expect(pharmacy.details.size).toBe(1);
    expect(contractIds.size).toBe(day0.expected.contractPharmacies);
  });

  it('is skewed: most entities have 0–5 contract pharmacies, a few have hundreds', () => {
    const counts = (series[0] as GeneratedSnapshot).coveredEntities
      .map((entity) => new Set((rowsOf(entity) as JsonObject[]).map((row) => row.contractId)).size)
      .sort((a, b) => a - b);
    const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length;
    expect(counts.filter((count) => count <= 5).length / counts.length).toBeGreaterThan(0.75);
    expect(counts[Math.floor(counts.length / 2)]).toBeLessThanOrEqual(2);
    expect(mean).toBeGreaterThan(3);
    expect(mean).toBeLessThan(7);
    expect(counts[counts.length - 1]).toBeGreaterThan(20 * mean);
  });

  it("reports each day's changes exactly as canonical equality sees them, order and null flips not counted", () => {
    let noisy = 0;
    for (let day = 1; day < series.length; day++) {
      const before = series[day - 1] as GeneratedSnapshot;
      const after = series[day] as GeneratedSnapshot;
      const previous = canonicalByKey(before);
      const next = canonicalByKey(after);
      const registered = [...next.keys()].filter((key) => !previous.has(key));
      const removed = [...previous.keys()].filter((key) => !next.has(key));
      const changed = [...next.keys()].filter(
        (key) => previous.has(key) && previous.get(key) !== next.get(key),
      );
      expect(new Set(after.expected.registeredKeys)).toEqual(new Set(registered));
      expect(new Set(after.expected.removedKeys)).toEqual(new Set(removed));
      expect(new Set(after.expected.changedKeys)).toEqual(new Set(changed));
      expect(after.expected).toMatchObject({
        entities: next.size,
        registered: registered.length,
        removed: removed.length,
        changed: changed.length,
        unchanged: previous.size - removed.length - changed.length,
      });
      const rawBefore = new Map(
        before.coveredEntities.map((entity) => [keyOf(entity), JSON.stringify(entity)]),
      );
      noisy += after.coveredEntities.filter((entity) => {
        const key = keyOf(entity);
        return (
          previous.get(key) === next.get(key) &&
          rawBefore.has(key) &&
          rawBefore.get(key) !== JSON.stringify(entity)
        );
      }).length;
    }
    // Equal entities written differently from one day to the next: the noise is there.
    expect(noisy).toBeGreaterThan(series.length * 2000 * 0.01);
  });

  it('edits, adds, removes and brings back entities at the requested rates', () => {
    for (let day = 1; day < series.length; day++) {
      const previousCount = (series[day - 1] as GeneratedSnapshot).coveredEntities.length;
      const { expected } = series[day] as GeneratedSnapshot;
      expect(expected.changed).toBe(Math.round(previousCount * 0.01));
      expect(expected.removed).toBe(Math.round(previousCount * 0.0005));
      expect(expected.registered - expected.reappearedKeys.length).toBe(Math.round(previousCount * 0.001));
    }
    const removedBefore = new Set<string>();
    let reappeared = 0;
    for (const { expected } of series) {
      for (const key of expected.reappearedKeys) expect(removedBefore.has(key), key).toBe(true);
      reappeared += expected.reappearedKeys.length;
      for (const key of expected.removedKeys) removedBefore.add(key);
    }
    expect(reappeared).toBeGreaterThan(0);

    const busy = generateSnapshots({
      seed: 'rates',
      entities: 1000,
      days: 2,
      editRate: 0.07,
      addRate: 0.02,
      removeRate: 0.03,
    });
    expect((busy[1] as GeneratedSnapshot).expected).toMatchObject({
      changed: 70,
      removed: 30,
      registered: 20,
    });
  });
});

describe('snapshotText', () => {
  const [day0] = generateSnapshots({ seed: 'text', entities: 50, days: 1 }) as [GeneratedSnapshot];

  it('writes pretty or minified JSON, with or without a BOM, with root members around coveredEntities', () => {
    const pretty = snapshotText(day0);
    const minified = snapshotText(day0, { minified: true, bom: true });
    expect(minified.startsWith('\uFEFF{"exportDate":')).toBe(true);
    expect(minified.trimEnd()).not.toContain('\n');
    expect(pretty.split('\n').length).toBeGreaterThan(1000);
    for (const text of [pretty, minified.slice(1)]) {
      expect(JSON.parse(text)).toEqual({
        exportDate: '2026-11-01T05:00:00.000',
        coveredEntities: day0.coveredEntities,
        recordCount: 50,
      });
    }
    expect(JSON.parse(snapshotText(day0, { rootMembers: false }))).toEqual({
      coveredEntities: day0.coveredEntities,
    });
    expect(JSON.parse(snapshotText({ ...day0, coveredEntities: [] }))).toMatchObject({ coveredEntities: [] });
  });
});
