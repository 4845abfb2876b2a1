import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { coveredEntity } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { catchUpProjections } from './catch-up-projections.ts';
import { rebuildProjections } from './rebuild-projections.ts';
import { appendTestSnapshot } from './testing/append-test-snapshot.ts';
import { verifyProjections } from './verify-projections.ts';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase('rebuild');
});
afterEach(async () => {
  await database.close();
});

const entities = (count: number, name: string) =>
  Array.from({ length: count }, (_, index) =>
    coveredEntity(`DSH${String(index + 1).padStart(6, '0')}`, index + 1, { name: `${name} ${index}` }),
  );

async function currentCount(table: string): Promise<number> {
  const { rows } = await database.pool.query(
    `select count(*)::int as n from ${table} where current_version_flg = 'Y'`,
  );
  return rows[0].n;
}

describe('rebuildProjections', () => {
  it('replaces drifted tables with a replay and leaves only the live schema', async () => {
    await appendTestSnapshot(
      database.store,
      '2026-11-01T05:00:00Z',
      entities(20, 'DAY1').map((entity) => ({ type: 'CoveredEntityRegistered' as const, entity })),
    );
    await appendTestSnapshot(
      database.store,
      '2026-11-02T05:00:00Z',
      entities(10, 'DAY2').map((entity) => ({ type: 'CoveredEntityChanged' as const, entity })),
    );
    await catchUpProjections(database);
    await database.pool.query('delete from dim_ce_contract_pharmacy where ce_id = $1', ['3']);
    await database.pool.query(
      "update projector_checkpoints set error = 'old failure' where projector = 'dim_ce'",
    );
    expect((await verifyProjections(database)).ok).toBe(false);

    const result = await rebuildProjections(database);
    expect(result).toMatchObject({ snapshots: 2, failures: [] });
    expect((await verifyProjections(database)).ok).toBe(true);
    const { rows } = await database.pool.query(
      'select count(*)::int as n from projector_checkpoints where error is not null',
    );
    expect(rows[0].n).toBe(0);
    const { rows: schemas } = await database.pool.query(
      'select nspname from pg_namespace where nspname like $1',
      [`${database.schema}%`],
    );
    expect(schemas.map((row) => row.nspname)).toEqual([database.schema]);
    // The live projectors carry on from the swapped-in checkpoints.
    await appendTestSnapshot(database.store, '2026-11-03T05:00:00Z', [
      { type: 'CoveredEntityRemoved', id340B: 'DSH000001', ceId: 1 },
    ]);
    expect(await catchUpProjections(database)).toEqual({ snapshots: 1, failures: [] });
    expect(await currentCount('dim_ce')).toBe(19);
  });

  it('readers see the whole old table until the swap and the whole new one after, never a part', async () => {
    await appendTestSnapshot(
      database.store,
      '2026-11-01T05:00:00Z',
      entities(300, 'DAY1').map((entity) => ({ type: 'CoveredEntityRegistered' as const, entity })),
    );
    await catchUpProjections(database);
    let rebuilding = true;
    const seen = new Set<number>();
    const reader = (async () => {
      while (rebuilding) seen.add(await currentCount('dim_ce_contract_pharmacy'));
    })();
    await rebuildProjections(database);
    rebuilding = false;
    await reader;
    expect([...seen]).toEqual([300]);
  });

  it('leaves every index as the migrations made it (a projection migration not named ddl/NNNN_projections* would be lost)', async () => {
    const indexes = async () => {
      const { rows } = await database.pool.query<{ definition: string }>(
        `select replace(indexdef, schemaname || '.', '') as definition
           from pg_indexes where schemaname = $1 order by indexname`,
        [database.schema],
      );
      return rows.map((row) => row.definition);
    };
    const migrated = await indexes();
    expect(migrated).toContain(
      'CREATE INDEX dim_pharmacy_sources_pharmacy_idx ON dim_pharmacy_sources USING btree (pharmacy_id, edit_stp DESC NULLS LAST)',
    );
    await appendTestSnapshot(database.store, '2026-11-01T05:00:00Z', [
      { type: 'CoveredEntityRegistered', entity: coveredEntity('DSH000001', 1) },
    ]);
    await rebuildProjections(database);
    expect(await indexes()).toEqual(migrated);
  });

  it("keeps the live tables' grants, so a read-only role can still read after the swap", async () => {
    const reader = `${database.schema}_reader`;
    await database.pool.query(`create role ${reader} nologin`);
    try {
      await database.pool.query(`grant usage on schema ${database.schema} to ${reader}`);
      await database.pool.query(`grant select on dim_ce, dim_pharmacy to ${reader}`);
      await database.pool.query(`grant select, update on dim_npi to ${reader} with grant option`);
      await appendTestSnapshot(database.store, '2026-11-01T05:00:00Z', [
        { type: 'CoveredEntityRegistered', entity: coveredEntity('DSH000001', 1) },
      ]);
      await catchUpProjections(database);
      await rebuildProjections(database);

      const { rows } = await database.pool.query<{ grant: string }>(
        `select table_name || ' ' || privilege_type || ' ' || is_grantable as grant
           from information_schema.role_table_grants where grantee = $1 order by 1`,
        [reader],
      );
      expect(rows.map((row) => row.grant)).toEqual([
        'dim_ce SELECT NO',
        'dim_npi SELECT YES',
        'dim_npi UPDATE YES',
        'dim_pharmacy SELECT NO',
      ]);
    } finally {
      await database.pool.query(`drop owned by ${reader}`);
      await database.pool.query(`drop role ${reader}`);
    }
  });

  it('includes a snapshot ingested while it replays', async () => {
    await appendTestSnapshot(database.store, '2026-11-01T05:00:00Z', [
      { type: 'CoveredEntityRegistered', entity: coveredEntity('DSH000001', 1) },
    ]);
    let late: number | undefined;
    const result = await rebuildProjections(database, {
      onSnapshot: async () => {
        late ??= await appendTestSnapshot(database.store, '2026-11-02T05:00:00Z', [
          { type: 'CoveredEntityRegistered', entity: coveredEntity('DSH000002', 2) },
        ]);
      },
    });
    const lastPosition = late;
    expect(result.snapshots).toBe(2);
    const { rows } = await database.pool.query('select distinct position from projector_checkpoints');
    expect(rows).toEqual([{ position: lastPosition }]);
    expect(await currentCount('dim_ce')).toBe(2);
  });
});
