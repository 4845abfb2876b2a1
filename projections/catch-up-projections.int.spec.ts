import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { coveredEntity } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { catchUpProjections } from './catch-up-projections.ts';
import { projectors } from './projectors.ts';
import { appendTestSnapshot, type TestEvent } from './testing/append-test-snapshot.ts';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase('proj');
});
afterEach(async () => {
  await database.close();
});

const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}T05:00:00Z`;
const registered = (entity: Record<string, unknown>) => ({
  type: 'CoveredEntityRegistered' as const,
  entity,
});
const changed = (entity: Record<string, unknown>): TestEvent => ({ type: 'CoveredEntityChanged', entity });
const removed = (id340B: string, ceId: number): TestEvent => ({ type: 'CoveredEntityRemoved', id340B, ceId });

/** Rows of a table with timestamps as text, oldest version first. */
async function rows(table: string, where = 'true') {
  const { rows } = await database.pool.query(
    `select to_jsonb(t) - 'row_id' - 'snapshot_as_of' as row, snapshot_as_of at time zone 'UTC' as snapshot_as_of
       from ${table} t where ${where} order by effective_stp, to_jsonb(t)::text`,
  );
  return rows.map((row) => ({ ...row.row, snapshot_as_of: row.snapshot_as_of }));
}
async function count(table: string, where = 'true'): Promise<number> {
  const { rows } = await database.pool.query(`select count(*)::int as n from ${table} where ${where}`);
  return rows[0].n;
}
interface CheckpointRow {
  projector: string;
  position: number;
  error: string | null;
  error_position: number | null;
}
async function checkpoints(): Promise<Record<string, CheckpointRow>> {
  const { rows } = await database.pool.query<CheckpointRow>(
    'select projector, position, error, error_position from projector_checkpoints order by projector',
  );
  return Object.fromEntries(rows.map((row) => [row.projector, row]));
}

const hospital = coveredEntity('DSH000001', 1);
const clinic = coveredEntity('CH000002', 2, { contractPharmacies: [] });

describe('given events, when projected, then rows', () => {
  it('a registered entity gives an INSERT version in each table it has rows in, effective at the as-of', async () => {
    const position = await appendTestSnapshot(database.pool, day(1), [
      registered(hospital),
      registered(clinic),
    ]);
    const result = await catchUpProjections(database);
    expect(result).toEqual({ snapshots: 1, failures: [] });

    const [ce] = await rows('dim_ce', "id340b = 'DSH000001'");
    expect(ce).toMatchObject({
      id340b: 'DSH000001',
      ce_id: '1',
      participating_flg: 'Y',
      edit_stp: '2024-02-16T09:29:10.875685',
      effective_stp: '2026-11-01T05:00:00',
      expiration_stp: '9999-12-31T23:59:59',
      current_version_flg: 'Y',
      change_type: 'INSERT',
      expired_position: null,
    });
    expect(ce.event_position).toBeLessThan(position);
    expect(ce.snapshot_as_of).toEqual(new Date('2026-11-01T05:00:00Z'));
    expect(await count('dim_ce')).toBe(2);
    expect(await count('dim_ce_medicaid_numbers')).toBe(2);
    expect(await count('dim_ce_contract_pharmacy')).toBe(1);
    expect(await rows('dim_pharmacy')).toMatchObject([
      { pharmacy_id: '501', name: 'PHARMACY', change_type: 'INSERT' },
    ]);
    expect(Object.values(await checkpoints()).map((checkpoint) => checkpoint.position)).toEqual(
      Array(projectors.length).fill(position),
    );
  });

  it('a change expires and replaces only the tables whose own columns changed', async () => {
    await appendTestSnapshot(database.pool, day(1), [registered(hospital)]);
    await catchUpProjections(database);
    const before = await rows('dim_npi');
    const edited = {
      ...hospital,
      name: 'RENAMED',
      // Not a column of any table: no version anywhere.
      contractPharmacies: (hospital.contractPharmacies as object[]).map((c) => ({ ...c, comments: 'note' })),
    };
    await appendTestSnapshot(database.pool, day(2), [changed(edited)]);
    await catchUpProjections(database);

    const versions = await rows('dim_ce');
    expect(versions).toMatchObject([
      {
        name: 'HOSPITAL DSH000001',
        change_type: 'INSERT',
        current_version_flg: 'N',
        effective_stp: '2026-11-01T05:00:00',
        expiration_stp: '2026-11-02T05:00:00',
      },
      {
        name: 'RENAMED',
        change_type: 'UPDATE',
        current_version_flg: 'Y',
        effective_stp: '2026-11-02T05:00:00',
      },
    ]);
    expect(versions[0].expired_position).toBe(versions[1].event_position);
    expect(await rows('dim_npi')).toEqual(before);
    expect(await count('dim_ce_contract_pharmacy')).toBe(1);
    expect(await count('dim_pharmacy')).toBe(1);
  });

  it('a member leaving a set is a DELETE, a new one an INSERT; a value going missing is an UPDATE to NULL', async () => {
    await appendTestSnapshot(database.pool, day(1), [registered(hospital)]);
    await appendTestSnapshot(database.pool, day(2), [
      changed({
        ...hospital,
        medicaidNumbers: [{ medicaidNumber: '0999', state: 'MA' }],
        streetAddress: { addressLine1: '1 Main St', city: 'BOSTON', state: 'MA' },
      }),
    ]);
    await catchUpProjections(database);
    expect(await rows('dim_ce_medicaid_numbers')).toMatchObject([
      {
        medicaid_number: '0123',
        change_type: 'DELETE',
        current_version_flg: 'N',
        expiration_stp: '2026-11-02T05:00:00',
      },
      { medicaid_number: '0999', change_type: 'INSERT', current_version_flg: 'Y' },
    ]);
    expect(await rows('dim_ce_street_address')).toMatchObject([
      { zip: '02110', change_type: 'INSERT', current_version_flg: 'N' },
      { zip: null, change_type: 'UPDATE', current_version_flg: 'Y' },
    ]);
  });

  it('a removal ends every current version as DELETE; a reappearance starts again with INSERT', async () => {
    await appendTestSnapshot(database.pool, day(1), [registered(hospital)]);
    await appendTestSnapshot(database.pool, day(2), [removed('DSH000001', 1)]);
    await catchUpProjections(database);
    for (const table of [
      'dim_ce',
      'dim_npi',
      'dim_ce_shipping_address',
      'dim_ce_contract_pharmacy',
      'dim_pharmacy',
    ]) {
      expect(await rows(table)).toMatchObject([
        { change_type: 'DELETE', current_version_flg: 'N', expiration_stp: '2026-11-02T05:00:00' },
      ]);
    }
    await appendTestSnapshot(database.pool, day(3), [registered(hospital)]);
    await catchUpProjections(database);
    expect(await rows('dim_ce')).toMatchObject([
      { change_type: 'DELETE', effective_stp: '2026-11-01T05:00:00', expiration_stp: '2026-11-02T05:00:00' },
      { change_type: 'INSERT', effective_stp: '2026-11-03T05:00:00', current_version_flg: 'Y' },
    ]);
  });

  it('dim_pharmacy takes the latest-edited contract across entities and gets one version per snapshot', async () => {
    const pharmacy = (contractId: number, editDate: string, name: string) => ({
      contractId,
      pharmacyId: 77,
      name,
      editDate,
      address: { addressLine1: '9 Elm', city: 'BOSTON', state: 'MA', zip: '02111' },
    });
    const a = (contracts: object[]) => coveredEntity('DSH000001', 1, { contractPharmacies: contracts });
    const b = (contracts: object[]) => coveredEntity('DSH000002', 2, { contractPharmacies: contracts });
    await appendTestSnapshot(database.pool, day(1), [
      registered(a([pharmacy(10, '2024-01-01T00:00:00', 'FROM A')])),
      registered(b([pharmacy(20, '2023-01-01T00:00:00', 'FROM B')])),
    ]);
    // One snapshot, two entities: A's contract goes, then B's is re-edited. The end state
    // decides: one UPDATE to B's columns, not a DELETE and an INSERT of the same key.
    await appendTestSnapshot(database.pool, day(2), [
      changed(a([])),
      changed(b([pharmacy(20, '2025-01-01T00:00:00', 'FROM B')])),
    ]);
    // Contracts leave and come back within the same snapshot for an unchanged winner: nothing happens.
    await appendTestSnapshot(database.pool, day(3), [
      changed(a([pharmacy(10, '2020-01-01T00:00:00', 'OLD A')])),
      changed(b([pharmacy(21, '2025-01-01T00:00:00', 'FROM B')])),
    ]);
    await appendTestSnapshot(database.pool, day(4), [removed('DSH000001', 1), removed('DSH000002', 2)]);
    await catchUpProjections(database);
    expect(await rows('dim_pharmacy')).toMatchObject([
      {
        name: 'FROM A',
        change_type: 'INSERT',
        effective_stp: '2026-11-01T05:00:00',
        expiration_stp: '2026-11-02T05:00:00',
      },
      {
        name: 'FROM B',
        change_type: 'DELETE',
        effective_stp: '2026-11-02T05:00:00',
        expiration_stp: '2026-11-04T05:00:00',
      },
    ]);
  });

  it('applies nothing twice: a second catch-up finds nothing to do', async () => {
    await appendTestSnapshot(database.pool, day(1), [registered(hospital)]);
    await catchUpProjections(database);
    const before = await rows('dim_ce_contract_pharmacy');
    expect(await catchUpProjections(database)).toEqual({ snapshots: 0, failures: [] });
    expect(await rows('dim_ce_contract_pharmacy')).toEqual(before);
  });
});

describe('poison events', () => {
  it('stop only the projectors they break, naming the event; the others go on', async () => {
    await appendTestSnapshot(database.pool, day(1), [registered(hospital)]);
    // Two different contracts under one contractId: the ingest refuses this, but a log written before could hold it.
    const broken = coveredEntity('DSH000003', 3, {
      contractPharmacies: [
        { contractId: 7, pharmacyId: 5, name: 'ONE' },
        { contractId: 7, pharmacyId: 5, name: 'OTHER' },
      ],
    });
    const poisoned = await appendTestSnapshot(database.pool, day(2), [
      registered(broken),
      registered(clinic),
    ]);
    const later = await appendTestSnapshot(database.pool, day(3), [changed({ ...clinic, name: 'LATER' })]);
    const result = await catchUpProjections(database);

    expect(result.failures).toEqual([
      { projector: 'dim_ce_contract_pharmacy', position: expect.any(Number), message: expect.any(String) },
    ]);
    const { rows: events } = await database.pool.query(
      "select global_position from events where stream_id = 'coveredEntity-DSH000003.3'",
    );
    const state = await checkpoints();
    expect(state.dim_ce_contract_pharmacy).toMatchObject({
      position: poisoned - 3,
      error_position: events[0].global_position,
    });
    expect(state.dim_ce_contract_pharmacy?.error).toMatch(
      /event \d+ \(CoveredEntityRegistered of coveredEntity-DSH000003\.3\) cannot be projected into dim_ce_contract_pharmacy: two different dim_ce_contract_pharmacy rows have the key/,
    );
    expect(state.dim_ce?.position).toBe(later);
    expect(state.dim_pharmacy?.position).toBe(later);
    expect(await count('dim_ce', "name = 'LATER'")).toBe(1);
    expect(await count('dim_ce_contract_pharmacy', "id340b <> 'DSH000001'")).toBe(0);
  });

  it('a row the database refuses stops only its table, though later writes were queued behind it', async () => {
    // Writes are queued, so the refused COPY aborts the transaction under statements of other projectors.
    await database.pool.query("alter table dim_npi add constraint test_refuses check (npi <> '1999999999')");
    await appendTestSnapshot(database.pool, day(1), [registered(hospital)]);
    const refused = { ...hospital, npiNumbers: [{ npiNumber: '1999999999', state: 'MA' }] };
    const poisoned = await appendTestSnapshot(database.pool, day(2), [changed(refused), registered(clinic)]);
    const later = await appendTestSnapshot(database.pool, day(3), [changed({ ...clinic, name: 'LATER' })]);
    const result = await catchUpProjections(database);

    expect(result.failures.map((failure) => failure.projector)).toEqual(['dim_npi']);
    const state = await checkpoints();
    expect(state.dim_npi).toMatchObject({ position: poisoned - 3, error_position: poisoned });
    expect(state.dim_npi?.error).toMatch(/cannot be projected into dim_npi: .*test_refuses/);
    for (const [projector, checkpoint] of Object.entries(state)) {
      if (projector !== 'dim_npi') expect(checkpoint).toMatchObject({ position: later, error: null });
    }
    expect(await count('dim_ce', "name = 'LATER'")).toBe(1);
    expect(await count('dim_npi', "npi = '1999999999'")).toBe(0);
  });

  it('an event nobody can read stops every projector at that snapshot', async () => {
    const position = await appendTestSnapshot(database.pool, day(1), [
      { ...registered(hospital), schemaVersion: 9 },
    ]);
    const result = await catchUpProjections(database);
    expect(result.failures).toHaveLength(projectors.length);
    const state = await checkpoints();
    for (const checkpoint of Object.values(state)) {
      expect(checkpoint).toMatchObject({ position: 0, error_position: position - 1 });
      expect(checkpoint.error).toMatch(/schema version 9 is not known/);
    }
    expect(await count('dim_ce')).toBe(0);
  });

  it('a later run retries a stopped projector and records the error again', async () => {
    await appendTestSnapshot(database.pool, day(1), [
      registered(coveredEntity('DSH000003', 3, { authorizingOfficial: { name: 42 } })),
    ]);
    expect((await catchUpProjections(database)).failures.map((failure) => failure.projector)).toEqual([
      'dim_ce',
    ]);
    expect(await catchUpProjections(database, { retryFailed: false })).toEqual({
      snapshots: 0,
      failures: [],
    });
    expect((await catchUpProjections(database)).failures.map((failure) => failure.projector)).toEqual([
      'dim_ce',
    ]);
  });
});
