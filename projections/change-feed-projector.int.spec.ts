import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { setEventSchemaVersion } from '../src/store/postgres/testing/set-event-schema-version.ts';
import { coveredEntity } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { catchUpProjections } from './catch-up-projections.ts';
import { rebuildProjections } from './rebuild-projections.ts';
import { appendTestSnapshot } from './testing/append-test-snapshot.ts';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase('feed');
});
afterEach(async () => {
  await database.close();
});

const day = (n: number) => `2026-11-0${n}T05:00:00Z`;
const hospital = coveredEntity('DSH000001', 1, {
  streetAddress: { addressLine1: '1 Main St', city: 'DOVER', state: 'DE', zip: '19901' },
});
const moved = {
  ...hospital,
  streetAddress: { addressLine1: '1 Main St', city: 'DOVER', state: 'DE', zip: '19904' },
};

async function feedRows() {
  const { rows } = await database.pool.query(
    `select event_type, id340b, ce_id, entity_type, name, state, changed_paths, path_index, changes::json as changes,
            snapshot_position, as_of
       from change_feed order by global_position`,
  );
  return rows;
}

describe('change_feed: given events, when projected, then rows', () => {
  it('one row per event: the version it made, the change detail (a version-1 change upcast), the last known state of a removal', async () => {
    const first = await appendTestSnapshot(database.store, day(1), [
      { type: 'CoveredEntityRegistered', entity: hospital },
    ]);
    const second = await appendTestSnapshot(database.store, day(2), [
      { type: 'CoveredEntityChanged', entity: moved },
    ]);
    // Stored as schema version 1, as a build before data contract 1.1 wrote it: its changes come from the upcaster.
    await setEventSchemaVersion(
      database.pool,
      { streamId: 'coveredEntity-DSH000001.1', streamVersion: 2 },
      1,
    );
    const third = await appendTestSnapshot(database.store, day(3), [
      { type: 'CoveredEntityRemoved', id340B: 'DSH000001', ceId: 1 },
    ]);
    expect(await catchUpProjections(database)).toEqual({ snapshots: 3, failures: [] });

    const described = {
      id340b: 'DSH000001',
      ce_id: '1',
      entity_type: 'DSH',
      name: hospital.name,
      state: 'DE',
    };
    expect(await feedRows()).toEqual([
      {
        event_type: 'CoveredEntityRegistered',
        ...described,
        changed_paths: [],
        path_index: [],
        changes: null,
        snapshot_position: first,
        as_of: new Date(day(1)),
      },
      {
        event_type: 'CoveredEntityChanged',
        ...described,
        changed_paths: [],
        path_index: [],
        changes: [{ path: 'streetAddress.zip', from: '19901', to: '19904' }],
        snapshot_position: second,
        as_of: new Date(day(2)),
      },
      {
        event_type: 'CoveredEntityRemoved',
        ...described,
        changed_paths: [],
        path_index: [],
        changes: null,
        snapshot_position: third,
        as_of: new Date(day(3)),
      },
    ]);
  });

  it('a rebuild gives the same rows', async () => {
    await appendTestSnapshot(database.store, day(1), [{ type: 'CoveredEntityRegistered', entity: hospital }]);
    await appendTestSnapshot(database.store, day(2), [{ type: 'CoveredEntityChanged', entity: moved }]);
    await appendTestSnapshot(database.store, day(3), [
      { type: 'CoveredEntityRemoved', id340B: 'DSH000001', ceId: 1 },
    ]);
    await catchUpProjections(database);
    const before = await feedRows();
    expect(before).toHaveLength(3);
    await rebuildProjections(database);
    expect(await feedRows()).toEqual(before);
  });
});
