import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpProjections } from '../projections/catch-up-projections.ts';
import { appendTestSnapshot } from '../projections/testing/append-test-snapshot.ts';
import type { Database } from '../src/db/open-database.ts';
import { runOpais } from './support/run-opais.ts';
import { coveredEntities, coveredEntity, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

/**
 * "Whatever the ingest accepts, every projector can apply", and one entity
 * never fails the snapshot: each value below once stopped a projector for
 * good or failed the whole ingest with a raw PostgreSQL error. Now each is a
 * data-quality problem of its entity (skipped, counted, listed with the
 * reason), the rest of the snapshot is applied and projected, and the entity
 * comes in once a later export fixes it.
 */
const dir = tempDir();
const uniqueWords = (bytes: number) => {
  const words: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const word = i.toString(36);
    words.push(word);
    size += word.length + 1;
  }
  return words.join(' ');
};
const bad: [string, Record<string, unknown>][] = [
  ['participating', coveredEntity('BAD000001', 9001, { participating: 'MAYBE' })],
  ['editDate', coveredEntity('BAD000002', 9002, { editDate: '2024-02-30T25:61:61' })],
  [
    'contractId',
    coveredEntity('BAD000003', 9003, {
      contractPharmacies: [{ contractId: 1e17, pharmacyId: 5, beginDate: '2015-07-01T00:00:00' }],
    }),
  ],
  [
    'contractPharmacies[0].contractId is missing',
    coveredEntity('BAD000010', 9010, { contractPharmacies: [{ pharmacyId: 5, name: 'NO CONTRACT ID' }] }),
  ],
  [
    'with other content',
    coveredEntity('BAD000011', 9011, {
      contractPharmacies: [
        { contractId: 7, pharmacyId: 5, name: 'ONE' },
        { contractId: 7, pharmacyId: 5, name: 'OTHER' },
      ],
    }),
  ],
  ['U+0000', coveredEntity('BAD000004', 9004, { name: 'NUL \u0000 HOSPITAL' })],
  ['lone surrogate', coveredEntity('BAD000005', 9005, { somethingNew: { note: 'half \ud83d' } })],
  ['id340B', coveredEntity(`BAD${'6'.repeat(3000)}`, 9006)],
  ['streetAddress.state', coveredEntity('BAD000007', 9007, { streetAddress: { state: 'S'.repeat(3000) } })],
  ['name', coveredEntity('BAD000008', 9008, { name: uniqueWords(1_100_000) })],
  [
    'nesting',
    coveredEntity('BAD000009', 9009, {
      somethingNew: 'DEEP-NESTING',
    }),
  ],
];
const good = coveredEntities(20);
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase('badvalues');
});
afterAll(() => database?.close());

async function ingest(name: string, entities: unknown[], asOf: string) {
  const file = writeSnapshot(dir, name, entities);
  // Nesting deeper than JSON.stringify can write (PostgreSQL's jsonb parser stops at about 12,000 levels).
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  writeFileSync(file, readFileSync(file, 'utf8').replace('"DEEP-NESTING"', deep));
  const run = await runOpais(['ingest', file, '--as-of', asOf, '--json'], envFor(database));
  return { ...run, summary: run.code === 0 || run.code === 7 ? JSON.parse(run.stdout) : undefined };
}

describe('values the store or the projections cannot take', () => {
  it('skip only their entity: the rest is applied and every projector runs; a fixed export brings them in', async () => {
    const day1 = await ingest(
      'day1.json',
      [...good.slice(0, 10), ...bad.map(([, entity]) => entity), ...good.slice(10)],
      '2026-07-01T05:00:00Z',
    );
    expect(day1.code, day1.stderr).toBe(0);
    expect(day1.summary).toMatchObject({ registered: 20, skipped: bad.length });
    const problems = day1.summary.dataQuality as { code: string; message: string; ceId: number }[];
    expect(problems.map((problem) => problem.ceId)).toEqual(bad.map(([, entity]) => entity.ceId));
    for (const [index, [what]] of bad.entries())
      expect(problems[index]?.message, what).toContain(
        what === 'U+0000' || what === 'lone surrogate'
          ? 'cannot store'
          : what === 'nesting'
            ? 'nests deeper'
            : what,
      );
    const { rows: stopped } = await database.pool.query(
      'select projector, error from projector_checkpoints where error is not null',
    );
    expect(stopped).toEqual([]);

    // The next export has the same entities, their values fixed.
    const fixed = bad.map(([, entity]) => coveredEntity(`FIX${entity.ceId}`, entity.ceId as number));
    const day2 = await ingest('day2.json', [...good, ...fixed], '2026-07-02T05:00:00Z');
    expect(day2.code, day2.stderr).toBe(0);
    expect(day2.summary).toMatchObject({ registered: bad.length, skipped: 0 });
    const { rows } = await database.pool.query<{ n: number }>(
      "select count(*)::int as n from dim_ce where current_version_flg = 'Y'",
    );
    expect(rows[0]?.n).toBe(20 + bad.length);
  });

  it('already in a log written before the check, project as NULL instead of stopping the projector', async () => {
    const legacy = await createTestDatabase('badlegacy');
    try {
      await appendTestSnapshot(legacy.store, '2026-07-01T05:00:00Z', [
        {
          type: 'CoveredEntityRegistered',
          entity: coveredEntity('OLD000001', 1, { participating: 'MAYBE' }),
        },
        {
          type: 'CoveredEntityRegistered',
          entity: coveredEntity('OLD000002', 2, { editDate: '2024-02-30T25:61:61' }),
        },
        {
          type: 'CoveredEntityRegistered',
          entity: coveredEntity('OLD000003', 3, {
            contractPharmacies: [{ contractId: 1e17, pharmacyId: 2 ** 60 }],
          }),
        },
      ]);
      const run = await catchUpProjections(legacy);
      expect(run.failures, JSON.stringify(run.failures)).toEqual([]);
      const { rows } = await legacy.pool.query(
        "select id340b, participating_flg, edit_stp from dim_ce where current_version_flg = 'Y' order by id340b",
      );
      expect(rows.map((row) => [row.id340b, row.participating_flg, row.edit_stp === null])).toEqual([
        ['OLD000001', null, false],
        ['OLD000002', 'Y', true],
        ['OLD000003', 'Y', false],
      ]);
      // A contract without an exact contractId has no key to be stored under.
      const { rows: contracts } = await legacy.pool.query(
        'select id340b from dim_ce_contract_pharmacy order by id340b',
      );
      expect(contracts.map((row) => row.id340b)).toEqual(['OLD000001', 'OLD000002']);
    } finally {
      await legacy.close();
    }
  });
});
