import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { setRegistryCurrent } from '../src/store/postgres/testing/set-registry-current.ts';
import { coveredEntity } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { catchUpProjections } from './catch-up-projections.ts';
import { appendTestSnapshot } from './testing/append-test-snapshot.ts';
import { verifyProjections } from './verify-projections.ts';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase('verify');
  const a = coveredEntity('DSH000001', 1);
  const b = coveredEntity('DSH000002', 2);
  await appendTestSnapshot(database.store, '2026-11-01T05:00:00Z', [
    { type: 'CoveredEntityRegistered', entity: a },
    { type: 'CoveredEntityRegistered', entity: b },
  ]);
  await appendTestSnapshot(database.store, '2026-11-02T05:00:00Z', [
    { type: 'CoveredEntityChanged', entity: { ...a, name: 'RENAMED', npiNumbers: [] } },
    { type: 'CoveredEntityRemoved', id340B: 'DSH000002', ceId: 2 },
  ]);
  await catchUpProjections(database);
});
afterEach(async () => {
  await database.close();
});

async function schemas(): Promise<string[]> {
  const { rows } = await database.pool.query<{ name: string }>(
    'select nspname as name from pg_namespace where nspname like $1',
    [`${database.schema}%`],
  );
  return rows.map((row) => row.name);
}

describe('verifyProjections', () => {
  it('finds no drift in tables projected incrementally, and leaves no scratch schema behind', async () => {
    const result = await verifyProjections(database);
    expect(result).toMatchObject({
      ok: true,
      snapshotsReplayed: 2,
      tables: [],
      checkpoints: [],
      registry: { count: 0 },
    });
    expect(await schemas()).toEqual([database.schema]);
  });

  it('reports a changed row on both sides, a missing row on one, and fails', async () => {
    await database.pool.query("update dim_ce set name = 'TAMPERED' where name = 'RENAMED'");
    await database.pool.query("delete from dim_npi where id340b = 'DSH000002'");
    const result = await verifyProjections(database);
    expect(result.ok).toBe(false);
    expect(
      result.tables.map(({ table, onlyLive, onlyRebuilt }) => ({ table, onlyLive, onlyRebuilt })),
    ).toEqual([
      { table: 'dim_ce', onlyLive: 1, onlyRebuilt: 1 },
      { table: 'dim_npi', onlyLive: 0, onlyRebuilt: 1 },
    ]);
    expect(result.tables[0]?.rows).toEqual([
      { side: 'live', row: expect.objectContaining({ name: 'TAMPERED', change_type: 'UPDATE' }) },
      { side: 'rebuild', row: expect.objectContaining({ name: 'RENAMED', change_type: 'UPDATE' }) },
    ]);
  });

  it('compares each table at its projector\u2019s checkpoint, and reports checkpoints that differ', async () => {
    // A snapshot the live projectors have not reached yet is not drift.
    await appendTestSnapshot(database.store, '2026-11-03T05:00:00Z', [
      { type: 'CoveredEntityChanged', entity: coveredEntity('DSH000001', 1, { name: 'THIRD' }) },
    ]);
    expect((await verifyProjections(database)).ok).toBe(true);

    await database.pool.query(
      "update projector_checkpoints set as_of = as_of + interval '1 second' where projector = 'dim_npi'",
    );
    const result = await verifyProjections(database);
    expect(result.checkpoints).toEqual([
      {
        projector: 'dim_npi',
        live: expect.objectContaining({ position: expect.any(Number) }),
        rebuilt: expect.objectContaining({ position: expect.any(Number) }),
      },
    ]);
  });

  it('checks the registry against a fold of the events', async () => {
    await setRegistryCurrent(database.pool, 'coveredEntity-DSH000002.2', true);
    const result = await verifyProjections(database);
    expect(result.ok).toBe(false);
    expect(result.registry.count).toBe(1);
    expect(result.registry.rows[0]).toMatchObject({
      streamId: 'coveredEntity-DSH000002.2',
      stored: { is_current: true },
      folded: { is_current: false, stream_version: 2 },
    });
  });
});
