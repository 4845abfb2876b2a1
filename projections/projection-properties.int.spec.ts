import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { ingestSnapshot } from '../src/ingest/ingest-snapshot.ts';
import { canonicalEntityJson } from '../src/snapshot/canonicalise.ts';
import { fileSource } from '../src/source/file-source.ts';
import { readWholeLog } from '../src/store/testing/read-whole-log.ts';
import { createRandom, type Random } from '../test/generator/random.ts';
import { generateSeriesDays } from '../test/generator/series.ts';
import { tempDir, writeSnapshot } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { catchUpProjections } from './catch-up-projections.ts';
import type { EntityKey, Row, TableSpec } from './table-spec.ts';
import { dimPharmacy, pharmacyRows, pharmacySources } from './tables/dim-pharmacy.ts';
import { entityTables } from './tables/entity-tables.ts';
import { verifyProjections } from './verify-projections.ts';
import { selectList } from './version-store.ts';

/**
 * Random snapshot series (edits, additions, removals, re-appearances, entity
 * order shuffled, members reordered, null/missing/"" flips, duplicates)
 * ingested for real and projected at random moments (one snapshot at a
 * time, or several at once). Then, for every table:
 *  - the versions valid at each snapshot's as-of are exactly the rows of
 *    that snapshot's entities (SCD2 time travel);
 *  - one current row per key, no overlapping and no zero-length versions,
 *    no version that repeats its predecessor, change types that match;
 *  - the incremental tables equal a fresh replay (opais verify).
 */
const seeds = ['alpha', 'bravo', 'charlie'];
const allTables: TableSpec[] = [...entityTables, dimPharmacy];

describe.each(seeds)('random snapshot series %s', (seed) => {
  let database: Database;
  const expectedByDay: { asOf: string; stamp: string; rows: Map<string, string[]> }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('prop');
    const store = database.store;
    const random = createRandom('projection-properties', seed);
    const dir = tempDir();
    const series = generateSeriesDays({
      seed,
      entities: 40,
      days: 9,
      editRate: 0.3,
      addRate: 0.08,
      removeRate: 0.08,
      reappearRate: 0.1,
      noiseRate: 0.4,
    });
    for (const day of series) {
      const entities = random.shuffled(
        [...day.entities()].map((entity) => varyContracts(structuredClone(entity), random, day.asOf)),
      );
      const summary = await ingestSnapshot({
        store,
        source: fileSource(writeSnapshot(dir, day.fileName, entities)),
        asOf: new Date(day.asOf),
        // A small random series changes and removes far more than a real day does.
        allowMassRemoval: true,
        allowMassChange: true,
      });
      expect(summary.skipped).toBe(0);
      expectedByDay.push({ asOf: day.asOf, stamp: stampOf(day.asOf), rows: expectedRows(entities) });
      if (random.chance(0.5)) await catchUpProjections(database);
    }
    expect((await catchUpProjections(database)).failures).toEqual([]);
  }, 120_000);
  afterAll(() => database.close());

  it.each(allTables.map((spec) => [spec.table, spec] as const))(
    '%s: the versions valid at each as-of are that snapshot\u2019s rows',
    async (_, spec) => {
      for (const day of expectedByDay) {
        const { rows } = await database.pool.query<(string | null)[]>({
          text: `select ${selectList(spec.columns, spec.timestampColumns, 't')}
                 from ${spec.table} t where effective_stp <= $1 and expiration_stp > $1`,
          values: [day.stamp],
          rowMode: 'array',
        });
        expect(rows.map((row) => JSON.stringify(row)).sort(), `${spec.table} as of ${day.asOf}`).toEqual(
          day.rows.get(spec.table),
        );
      }
    },
  );

  it.each(allTables.map((spec) => [spec.table, spec] as const))(
    '%s: versions follow the SCD2 invariants',
    async (_, spec) => {
      const key = spec.columns.slice(0, spec.keyLength).join(', ');
      const own = spec.columns.map((column) => `t.${column}`).join(', ');
      const { rows } = await database.pool.query(
        `with versions as (
         select t.*, row(${own})::text as columns,
                lag(expiration_stp) over k as previous_expiration, lag(row(${own})::text) over k as previous_columns,
                lead(effective_stp) over k as next_effective
           from ${spec.table} t window k as (partition by ${key} order by effective_stp)
       )
       select 'two current versions' as problem, ${key} from versions where current_version_flg = 'Y'
        group by ${key} having count(*) > 1
       union all select 'overlap', ${key} from versions where previous_expiration > effective_stp
       union all select 'zero or negative length', ${key} from versions where expiration_stp <= effective_stp
       union all select 'repeats its predecessor', ${key} from versions
        where previous_expiration = effective_stp and previous_columns = columns
       union all select 'DELETE followed at once by a successor', ${key} from versions
        where change_type = 'DELETE' and next_effective = expiration_stp
       union all select 'ended without DELETE or successor', ${key} from versions
        where current_version_flg = 'N' and change_type <> 'DELETE' and next_effective is distinct from expiration_stp
       union all select 'INSERT that continues a version', ${key} from versions
        where change_type = 'INSERT' and previous_expiration = effective_stp
       union all select 'UPDATE after a gap', ${key} from versions
        where change_type = 'UPDATE' and previous_expiration is distinct from effective_stp`,
      );
      expect(rows).toEqual([]);
    },
  );

  it('every version names the event and snapshot that produced it', async () => {
    const events = new Map(
      (await readWholeLog(database.store)).map((event) => [event.globalPosition, event]),
    );
    for (const spec of entityTables) {
      const { rows } = await database.pool.query<{
        id340b: string;
        ce_id: string;
        event_position: number;
        snapshot_as_of: Date;
        effective_stp: string;
      }>(
        `select id340b, ce_id, event_position, snapshot_as_of, to_char(effective_stp, 'YYYY-MM-DD"T"HH24:MI:SS.US') as effective_stp
           from ${spec.table}`,
      );
      const wrong = rows.filter((row) => {
        const event = events.get(row.event_position);
        return (
          event?.streamId !== `coveredEntity-${row.id340b}.${row.ce_id}` ||
          Date.parse(event.asOf) !== row.snapshot_as_of.getTime() ||
          `${row.effective_stp}Z` !== new Date(row.snapshot_as_of).toISOString().replace(/Z$/, '000Z')
        );
      });
      expect(wrong, spec.table).toEqual([]);
    }
  });

  it('exercised updates, deletions and re-appearances', async () => {
    for (const spec of allTables) {
      const key = spec.columns.slice(0, spec.keyLength).join(', ');
      const { rows } = await database.pool.query<{ updated: number; deleted: number; reinserted: number }>(
        `select count(*) filter (where previous_expiration = effective_stp)::int as updated,
                count(*) filter (where change_type = 'DELETE')::int as deleted,
                count(*) filter (where previous_expiration < effective_stp)::int as reinserted
           from (select t.*, lag(expiration_stp) over (partition by ${key} order by effective_stp) as previous_expiration
                   from ${spec.table} t) v`,
      );
      const counts = rows[0] as { updated: number; deleted: number; reinserted: number };
      // Pharmacies are shared widely in these small series, so one rarely loses its last contract.
      if (spec !== dimPharmacy) expect(counts.deleted, spec.table).toBeGreaterThan(0);
      // A table keyed by all its columns has no updates: a change is one key going and another coming.
      if (spec.keyLength < spec.columns.length) expect(counts.updated, spec.table).toBeGreaterThan(0);
      if (spec === entityTables[0]) expect(counts.reinserted, spec.table).toBeGreaterThan(0);
    }
  });

  it('equals a fresh replay of the events', async () => {
    const result = await verifyProjections(database);
    expect(result.tables).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

/**
 * The generator names a pharmacy alike in every contract; a name that
 * depends on the contract makes the choice of the contract that supplies
 * dim_pharmacy's columns visible in the rows; a contract re-edited on the
 * day (only its editDate changes) moves that choice, and a new phone number
 * changes the columns.
 */
function varyContracts(
  entity: Record<string, unknown>,
  random: Random,
  asOf: string,
): Record<string, unknown> {
  for (const contract of (entity.contractPharmacies ?? []) as Record<string, unknown>[]) {
    if (contract && typeof contract.contractId === 'number' && typeof contract.name === 'string') {
      contract.name = `${contract.name} (${contract.contractId % 3})`;
      if (random.chance(0.05)) contract.editDate = asOf.replace('Z', '');
      if (random.chance(0.03)) contract.phoneNumber = random.digits(10);
    }
  }
  return entity;
}

function stampOf(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '').padEnd(26, '0');
}

/** Each table's rows derived straight from a snapshot's entities, as sorted JSON arrays. */
function expectedRows(entities: Record<string, unknown>[]): Map<string, string[]> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const entity of entities)
    latest.set(`${entity.id340B}.${entity.ceId}`, JSON.parse(canonicalEntityJson(entity)));
  const rows = new Map<string, Set<string>>(allTables.map((spec) => [spec.table, new Set<string>()]));
  const sources: Row[] = [];
  for (const entity of latest.values()) {
    const key: EntityKey = { id340b: entity.id340B as string, ceId: String(entity.ceId) };
    for (const spec of entityTables) {
      for (const row of spec.rows(entity, key)) rows.get(spec.table)?.add(JSON.stringify(row));
    }
    sources.push(...pharmacySources(entity, key));
  }
  for (const row of pharmacyRows(sources)) rows.get(dimPharmacy.table)?.add(JSON.stringify(row));
  return new Map([...rows].map(([table, set]) => [table, [...set].sort()]));
}
