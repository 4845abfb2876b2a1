import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { ingestSnapshot } from '../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../src/source/file-source.ts';
import { runOpais } from '../test/support/run-opais.ts';
import {
  coveredEntities,
  dataContract11Members,
  shippingAddress,
  tempDir,
  writeSnapshot,
} from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../test/support/test-database.ts';
import { catchUpProjections } from './catch-up-projections.ts';

/**
 * Data contract 1.1 on a database projected before it: `opais migrate` adds
 * the columns and the log fills them (docs/projections.md), giving the
 * tables a fresh ingest of the same days gives.
 */
const dir = tempDir();
const days = (() => {
  const base = coveredEntities(10);
  const day1 = base.map((entity, index) => (index === 0 ? { ...entity, ...dataContract11Members } : entity));
  const day2 = day1.map((entity, index) =>
    index < 2 ? { ...entity, medicareProviderNumber: `22000${index}` } : entity,
  );
  const day3 = day2.map((entity, index) =>
    index === 0
      ? {
          ...entity,
          shippingAddresses: [shippingAddress('NORTH WING'), shippingAddress('EAST WING')],
        }
      : entity,
  );
  return [day1, day2, day3].map((entities, index) => ({
    file: writeSnapshot(dir, `day${index + 1}.json`, entities),
    asOf: new Date(Date.UTC(2026, 10, index + 1, 5)),
  }));
})();

async function ingestDays(database: Database): Promise<void> {
  const store = database.store;
  for (const day of days) await ingestSnapshot({ store, source: fileSource(day.file), asOf: day.asOf });
  const { failures } = await catchUpProjections(database);
  expect(failures).toEqual([]);
}

/** Back to the shape and rows of the tables before data contract 1.1 (what ddl/0002 made, one row per collapsed address). */
async function revertToDataContract10(database: Database): Promise<void> {
  await database.pool.query(`
    delete from schema_migrations where version = '0005_projections_data_contract_1_1';
    alter table dim_ce drop column medicare_provider_number;
    drop index dim_ce_shipping_address_current_key;
    delete from dim_ce_shipping_address where current_version_flg = 'Y' and row_id not in (
      select min(row_id) from dim_ce_shipping_address where current_version_flg = 'Y'
       group by id340b, ce_id, is_340b_street_address_flg, address_line1, address_line2, address_line3,
                city, state, zip, zip4);
    alter table dim_ce_shipping_address drop column organization;
    create unique index dim_ce_shipping_address_current_key on dim_ce_shipping_address
      (id340b, ce_id, is_340b_street_address_flg, address_line1, address_line2, address_line3, city, state, zip, zip4)
      nulls not distinct where current_version_flg = 'Y';`);
}

const tables = [
  'dim_ce',
  'dim_ce_medicaid_numbers',
  'dim_npi',
  'dim_ce_street_address',
  'dim_ce_billing_address',
  'dim_ce_shipping_address',
  'dim_ce_contract_pharmacy',
  'dim_pharmacy',
];

/** Every row of every table but its surrogate key, in a stable order. */
async function tableRows(database: Database): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await database.pool.query<{ row: string }>(
      `select (to_jsonb(t) - 'row_id')::text as row from ${table} t order by 1`,
    );
    result[table] = rows.map((row) => row.row);
  }
  return result;
}

let fresh: Database;
let expected: Record<string, string[]>;
beforeAll(async () => {
  fresh = await createTestDatabase('contract_fresh');
  await ingestDays(fresh);
  expected = await tableRows(fresh);
}, 60_000);
afterAll(() => fresh.close());

describe('data contract 1.1 tables', () => {
  it('keep the medicare provider number, the shipping organization and an NPI without a state', async () => {
    const { rows: ce } = await fresh.pool.query(
      `select id340b, medicare_provider_number, change_type from dim_ce where current_version_flg = 'Y' and medicare_provider_number is not null order by 1`,
    );
    expect(ce).toEqual([
      { id340b: 'DSH000001', medicare_provider_number: '220000', change_type: 'UPDATE' },
      { id340b: 'DSH000002', medicare_provider_number: '220001', change_type: 'UPDATE' },
    ]);
    const { rows: shipping } = await fresh.pool.query(
      `select organization, current_version_flg as current, change_type from dim_ce_shipping_address
        where id340b = 'DSH000001' and address_line1 = '9 DOCK ST' order by effective_stp, organization`,
    );
    expect(shipping).toEqual([
      { organization: 'NORTH WING', current: 'Y', change_type: 'INSERT' },
      { organization: 'SOUTH WING', current: 'N', change_type: 'DELETE' },
      { organization: 'EAST WING', current: 'Y', change_type: 'INSERT' },
    ]);
    const { rows: npi } = await fresh.pool.query(
      `select npi, state from dim_npi where id340b = 'DSH000001' and current_version_flg = 'Y' order by npi`,
    );
    expect(npi).toEqual([
      { npi: '1215284153', state: 'MA' },
      { npi: '1740252501', state: null },
    ]);
  });

  it('an NPI with a NULL state has one current row: the current-key index treats NULL as a value', async () => {
    await expect(
      fresh.pool.query(
        `insert into dim_npi (id340b, ce_id, npi, state, effective_stp, change_type, event_position, snapshot_as_of)
         values ('DSH000001', '1', '1740252501', null, '2030-01-01', 'INSERT', 1, now())`,
      ),
    ).rejects.toThrow(/dim_npi_current_key/);
  });

  it('opais migrate then opais rebuild give the tables of a fresh ingest of the same days; opais verify is clean', async () => {
    const old = await createTestDatabase('contract_old');
    try {
      await ingestDays(old);
      await revertToDataContract10(old);
      const env = envFor(old);
      const migrated = await runOpais(['migrate'], env);
      expect(migrated.stdout).toMatch(/applied 0005_projections_data_contract_1_1/);
      expect((await runOpais(['rebuild'], env)).code).toBe(0);
      expect(await tableRows(old)).toEqual(expected);
      const verified = await runOpais(['verify'], env);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    } finally {
      await old.close();
    }
  }, 120_000);

  it('opais migrate then the next catch-up (no rebuild) also fill the new columns from the log', async () => {
    const old = await createTestDatabase('contract_old');
    try {
      await ingestDays(old);
      await revertToDataContract10(old);
      expect((await runOpais(['migrate'], envFor(old))).code).toBe(0);
      expect((await runOpais(['project'], envFor(old))).code).toBe(0);
      expect(await tableRows(old)).toEqual(expected);
    } finally {
      await old.close();
    }
  }, 120_000);
});
