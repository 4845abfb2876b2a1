import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { openEventStore } from '../src/store/open-event-store.ts';
import { setEventSchemaVersion } from '../src/store/postgres/testing/set-event-schema-version.ts';
import { coveredEntity } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { catchUpProjections } from './catch-up-projections.ts';
import { projectors as allProjectors } from './projectors.ts';
import { appendTestSnapshot, changed, registered, removed } from './testing/append-test-snapshot.ts';
import { projectionSpec, snapshot, tableRows } from './testing/projection-spec.ts';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase('proj');
});
afterEach(async () => {
  await database.close();
});

const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}T05:00:00Z`;
const rows = (table: string, where?: string) => tableRows(database.pool, table, where);
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
    const { result, positions } = await projectionSpec(database)
      .given()
      .when(snapshot(day(1), registered(hospital), registered(clinic)))
      .then({
        dim_ce: [
          {
            id340b: 'DSH000001',
            ce_id: '1',
            participating_flg: 'Y',
            edit_stp: '2024-02-16T09:29:10.875685',
            effective_stp: '2026-11-01T05:00:00',
            expiration_stp: '9999-12-31T23:59:59',
            current_version_flg: 'Y',
            change_type: 'INSERT',
            expired_position: null,
          },
          { id340b: 'CH000002', change_type: 'INSERT' },
        ],
        dim_ce_medicaid_numbers: [{ id340b: 'DSH000001' }, { id340b: 'CH000002' }],
        dim_ce_contract_pharmacy: [{ id340b: 'DSH000001', change_type: 'INSERT' }],
        dim_pharmacy: [{ pharmacy_id: '501', name: 'PHARMACY', change_type: 'INSERT' }],
      });
    expect(result).toEqual({ snapshots: 1, failures: [] });
    const [ce] = await rows('dim_ce', "id340b = 'DSH000001'");
    expect(ce?.event_position).toBeLessThan(positions[0] as number);
    expect(new Date(ce?.snapshot_as_of as string)).toEqual(new Date('2026-11-01T05:00:00Z'));
    expect(Object.values(await checkpoints()).map((checkpoint) => checkpoint.position)).toEqual(
      Array(allProjectors.length).fill(positions[0]),
    );
  });

  it('a change expires and replaces only the tables whose own columns changed', async () => {
    const edited = {
      ...hospital,
      name: 'RENAMED',
      // Not a column of any table: no version anywhere.
      contractPharmacies: (hospital.contractPharmacies as object[]).map((c) => ({ ...c, comments: 'note' })),
    };
    await projectionSpec(database)
      .given(snapshot(day(1), registered(hospital)))
      .when(snapshot(day(2), changed(edited)))
      .then({
        dim_ce: [
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
        ],
        dim_npi: [{ change_type: 'INSERT', current_version_flg: 'Y', effective_stp: '2026-11-01T05:00:00' }],
        dim_ce_contract_pharmacy: [{ change_type: 'INSERT', current_version_flg: 'Y' }],
        dim_pharmacy: [{ change_type: 'INSERT', current_version_flg: 'Y' }],
      });
    const versions = await rows('dim_ce');
    expect(versions[0]?.expired_position).toBe(versions[1]?.event_position);
  });

  it('a member leaving a set is a DELETE, a new one an INSERT; a value going missing is an UPDATE to NULL', async () => {
    await projectionSpec(database)
      .given(snapshot(day(1), registered(hospital)))
      .when(
        snapshot(
          day(2),
          changed({
            ...hospital,
            medicaidNumbers: [{ medicaidNumber: '0999', state: 'MA' }],
            streetAddress: { addressLine1: '1 Main St', city: 'BOSTON', state: 'MA' },
          }),
        ),
      )
      .then({
        dim_ce_medicaid_numbers: [
          {
            medicaid_number: '0123',
            change_type: 'DELETE',
            current_version_flg: 'N',
            expiration_stp: '2026-11-02T05:00:00',
          },
          { medicaid_number: '0999', change_type: 'INSERT', current_version_flg: 'Y' },
        ],
        dim_ce_street_address: [
          { zip: '02110', change_type: 'INSERT', current_version_flg: 'N' },
          { zip: null, change_type: 'UPDATE', current_version_flg: 'Y' },
        ],
      });
  });

  it('a removal ends every current version as DELETE', async () => {
    const deleted = [
      { change_type: 'DELETE', current_version_flg: 'N', expiration_stp: '2026-11-02T05:00:00' },
    ];
    await projectionSpec(database)
      .given(snapshot(day(1), registered(hospital)))
      .when(snapshot(day(2), removed('DSH000001', 1)))
      .then({
        dim_ce: deleted,
        dim_npi: deleted,
        dim_ce_shipping_address: deleted,
        dim_ce_contract_pharmacy: deleted,
        dim_pharmacy: deleted,
      });
  });

  it('a reappearance starts again with INSERT', async () => {
    await projectionSpec(database)
      .given(snapshot(day(1), registered(hospital)), snapshot(day(2), removed('DSH000001', 1)))
      .when(snapshot(day(3), registered(hospital)))
      .then({
        dim_ce: [
          {
            change_type: 'DELETE',
            effective_stp: '2026-11-01T05:00:00',
            expiration_stp: '2026-11-02T05:00:00',
          },
          { change_type: 'INSERT', effective_stp: '2026-11-03T05:00:00', current_version_flg: 'Y' },
        ],
      });
  });

  it('entity_search keeps each entity once: its latest name and place, and whether it is current', async () => {
    await projectionSpec(database)
      .given(snapshot(day(1), registered(hospital), registered(clinic)))
      .when(snapshot(day(2), changed({ ...hospital, name: 'RENAMED' }), removed('CH000002', 2)))
      .then({
        entity_search: [
          {
            id340b: 'CH000002',
            ce_id: 2,
            is_current: false,
            name: 'HOSPITAL CH000002',
            city: 'BOSTON',
            as_of: expect.stringMatching(/^2026-11-01T05:00:00/),
          },
          {
            id340b: 'DSH000001',
            ce_id: 1,
            is_current: true,
            name: 'RENAMED',
            city: 'BOSTON',
            state: 'MA',
            as_of: expect.stringMatching(/^2026-11-02T05:00:00/),
          },
        ],
      });
  });

  /** A contract with pharmacy 77. */
  const pharmacy = (contractId: number, editDate: string, name: string) => ({
    contractId,
    pharmacyId: 77,
    name,
    editDate,
    address: { addressLine1: '9 Elm', city: 'BOSTON', state: 'MA', zip: '02111' },
  });

  it('dim_pharmacy takes the latest-edited contract across entities and gets one version per snapshot', async () => {
    const a = (contracts: object[]) => coveredEntity('DSH000001', 1, { contractPharmacies: contracts });
    const b = (contracts: object[]) => coveredEntity('DSH000002', 2, { contractPharmacies: contracts });
    await projectionSpec(database)
      .given(
        snapshot(
          day(1),
          registered(a([pharmacy(10, '2024-01-01T00:00:00', 'FROM A')])),
          registered(b([pharmacy(20, '2023-01-01T00:00:00', 'FROM B')])),
        ),
      )
      .when(
        // One snapshot, two entities: A's contract goes, then B's is re-edited. The end state
        // decides: one UPDATE to B's columns, not a DELETE and an INSERT of the same key.
        snapshot(day(2), changed(a([])), changed(b([pharmacy(20, '2025-01-01T00:00:00', 'FROM B')]))),
        // Contracts leave and come back within the same snapshot for an unchanged winner: nothing happens.
        snapshot(
          day(3),
          changed(a([pharmacy(10, '2020-01-01T00:00:00', 'OLD A')])),
          changed(b([pharmacy(21, '2025-01-01T00:00:00', 'FROM B')])),
        ),
        snapshot(day(4), removed('DSH000001', 1), removed('DSH000002', 2)),
      )
      .then({
        dim_pharmacy: [
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
        ],
      });
  });

  it('dim_pharmacy reads back every stored source tied on the latest editDate, and the tie-break keeps its winner', async () => {
    const tie = '2024-01-01T00:00:00';
    const entity = (id: number, contracts: object[]) =>
      coveredEntity(`DSH00000${id}`, id, { contractPharmacies: contracts });
    await projectionSpec(database)
      .given(
        // Stored in this order, the loser of the tie comes first in the index.
        snapshot(
          day(1),
          registered(entity(1, [pharmacy(9, tie, 'NINE')])),
          registered(entity(2, [pharmacy(10, tie, 'TEN')])),
        ),
      )
      // A third entity's older contract touches the pharmacy: it is decided again from what is stored.
      .when(snapshot(day(2), registered(entity(3, [pharmacy(11, '2020-01-01T00:00:00', 'ELEVEN')]))))
      .then({ dim_pharmacy: [{ name: 'TEN', change_type: 'INSERT', current_version_flg: 'Y' }] });
  });

  it('dim_pharmacy decides more pharmacies than one read-back query takes (8,192), every one of them', async () => {
    const pharmacies = 9_000;
    const contract = (pharmacyId: number, editDate: string, name: string) => ({
      contractId: pharmacyId,
      pharmacyId,
      name,
      editDate,
      address: { addressLine1: '9 Elm', city: 'BOSTON', state: 'MA', zip: '02111' },
    });
    const ids = Array.from({ length: pharmacies }, (_, k) => k + 1);
    // Nine entities of 1,000 contracts each, then one entity whose later edits win every pharmacy.
    const holders = Array.from({ length: 9 }, (_, h) =>
      registered(
        coveredEntity(`DSH10000${h}`, 100 + h, {
          contractPharmacies: ids
            .slice(h * 1000, (h + 1) * 1000)
            .map((id) => contract(id, '2024-01-01T00:00:00', `OLD ${id}`)),
        }),
      ),
    );
    const winner = coveredEntity('DSH200000', 200, {
      contractPharmacies: ids.map((id) => contract(id, '2025-01-01T00:00:00', `NEW ${id}`)),
    });
    await projectionSpec(database)
      .given(snapshot(day(1), ...holders))
      .when(snapshot(day(2), registered(winner)))
      .then();
    expect(await count('dim_pharmacy', `current_version_flg = 'Y'`)).toBe(pharmacies);
    expect(await count('dim_pharmacy', `current_version_flg = 'Y' and name = 'NEW ' || pharmacy_id`)).toBe(
      pharmacies,
    );
    expect(await count('dim_pharmacy', `current_version_flg = 'N' and name = 'OLD ' || pharmacy_id`)).toBe(
      pharmacies,
    );
  });

  it('applies nothing twice: a second catch-up finds nothing to do', async () => {
    await projectionSpec(database)
      .given()
      .when(snapshot(day(1), registered(hospital)))
      .then();
    const before = await rows('dim_ce_contract_pharmacy');
    expect(await catchUpProjections(database)).toEqual({ snapshots: 0, failures: [] });
    expect(await rows('dim_ce_contract_pharmacy')).toEqual(before);
  });
});

describe('given events in the in-memory store, when projected, then rows', () => {
  it('projects through the port whatever store holds the events', async () => {
    const store = await openEventStore({ backend: 'memory' });
    await projectionSpec({ pool: database.pool, store })
      .given(snapshot(day(1), registered(hospital)))
      .when(snapshot(day(2), changed({ ...hospital, name: 'RENAMED' })))
      .then({
        dim_ce: [
          { name: 'HOSPITAL DSH000001', change_type: 'INSERT', current_version_flg: 'N' },
          { name: 'RENAMED', change_type: 'UPDATE', current_version_flg: 'Y' },
        ],
        entity_search: [{ id340b: 'DSH000001', name: 'RENAMED', is_current: true }],
      });
    expect(await database.store.headPosition()).toBe(0);
  });
});

describe('poison events', () => {
  it('stop only the projectors they break, naming the event; the others go on', async () => {
    await appendTestSnapshot(database.store, day(1), [registered(hospital)]);
    // Two different contracts under one contractId: the ingest refuses this, but a log written before could hold it.
    const broken = coveredEntity('DSH000003', 3, {
      contractPharmacies: [
        { contractId: 7, pharmacyId: 5, name: 'ONE' },
        { contractId: 7, pharmacyId: 5, name: 'OTHER' },
      ],
    });
    const poisoned = await appendTestSnapshot(database.store, day(2), [
      registered(broken),
      registered(clinic),
    ]);
    const later = await appendTestSnapshot(database.store, day(3), [changed({ ...clinic, name: 'LATER' })]);
    const result = await catchUpProjections(database);

    expect(result.failures).toEqual([
      { projector: 'dim_ce_contract_pharmacy', position: expect.any(Number), message: expect.any(String) },
    ]);
    const [event] = await database.store.readStream('coveredEntity-DSH000003.3');
    const state = await checkpoints();
    expect(state.dim_ce_contract_pharmacy).toMatchObject({
      position: poisoned - 3,
      error_position: event?.globalPosition,
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
    await appendTestSnapshot(database.store, day(1), [registered(hospital)]);
    const refused = { ...hospital, npiNumbers: [{ npiNumber: '1999999999', state: 'MA' }] };
    const poisoned = await appendTestSnapshot(database.store, day(2), [changed(refused), registered(clinic)]);
    const later = await appendTestSnapshot(database.store, day(3), [changed({ ...clinic, name: 'LATER' })]);
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
    const position = await appendTestSnapshot(database.store, day(1), [registered(hospital)]);
    await setEventSchemaVersion(
      database.pool,
      { streamId: 'coveredEntity-DSH000001.1', streamVersion: 1 },
      9,
    );
    const result = await catchUpProjections(database);
    expect(result.failures).toHaveLength(allProjectors.length);
    const state = await checkpoints();
    for (const checkpoint of Object.values(state)) {
      expect(checkpoint).toMatchObject({ position: 0, error_position: position - 1 });
      expect(checkpoint.error).toMatch(/schema version 9 is not known/);
    }
    expect(await count('dim_ce')).toBe(0);
  });

  it('a later run retries a stopped projector and records the error again', async () => {
    await appendTestSnapshot(database.store, day(1), [
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
