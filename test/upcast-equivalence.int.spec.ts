import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpProjections } from '../projections/catch-up-projections.ts';
import { entityHistory } from '../projections/entity-history.ts';
import type { Database } from '../src/db/open-database.ts';
import type { StoredEvent } from '../src/events/event-types.ts';
import { ingestSnapshot } from '../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../src/source/file-source.ts';
import { storeChangedAsVersion1 } from '../src/store/postgres/testing/store-changed-as-version-1.ts';
import { runOpais } from './support/run-opais.ts';
import {
  coveredEntities,
  coveredEntity,
  dataContract11Members,
  shippingAddress,
  tempDir,
  writeSnapshot,
} from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

/**
 * The upcaster's guarantee (docs/events.md): a log whose changes were stored
 * as CoveredEntityChanged version 1 (no `changes`) and the same days stored
 * as version 2 read the same everywhere: the event feed, every entity's
 * history and every table.
 */
const dir = tempDir();
type Entity = Record<string, unknown>;
const edit = (entities: Entity[], id340B: string, change: (entity: Entity) => Entity) =>
  entities.map((entity) => (entity.id340B === id340B ? change(structuredClone(entity)) : entity));
const contract = (entity: Entity) => (entity.contractPharmacies as Entity[])[0] as Entity;

const days = (() => {
  const day1 = edit(coveredEntities(20), 'DSH000001', (entity) => ({ ...entity, ...dataContract11Members }));
  let day2 = edit(day1, 'DSH000001', (entity) => ({
    ...entity,
    contractPharmacies: [
      { ...contract(entity), terminationDate: '2026-11-02T00:00:00' },
      { ...contract(entity), contractId: 77, pharmacyId: 777, name: 'NEW PHARMACY' },
    ],
  }));
  day2 = edit(day2, 'DSH000002', (entity) => ({
    ...entity,
    medicareProviderNumber: '220002',
    streetAddress: { ...(entity.streetAddress as Entity), zip: '02115' },
  }));
  day2 = day2.filter((entity) => entity.id340B !== 'DSH000003');
  let day3 = [...day2, coveredEntity('DSH000003', 3, { name: 'BACK AGAIN' })];
  day3 = edit(day3, 'DSH000001', (entity) => ({
    ...entity,
    shippingAddresses: [shippingAddress('NORTH WING'), shippingAddress('EAST WING')],
  }));
  day3 = edit(day3, 'DSH000004', (entity) => ({ ...entity, npiNumbers: [{ npiNumber: '1215284153' }] }));
  day3 = edit(day3, 'DSH000005', ({ medicaidNumbers: _gone, ...entity }) => entity);
  let day4 = edit(day3, 'DSH000003', (entity) => ({ ...entity, name: 'BACK AND RENAMED' }));
  day4 = edit(day4, 'DSH000002', ({ streetAddress: _gone, ...entity }) => entity);
  return [day1, day2, day3, day4].map((entities, index) => ({
    file: writeSnapshot(dir, `day${index + 1}.json`, entities),
    asOf: new Date(Date.UTC(2026, 10, index + 1, 5)),
  }));
})();

async function ingestDays(database: Database, afterIngest: () => Promise<void> = async () => {}) {
  const store = database.store;
  for (const day of days) {
    await ingestSnapshot({ store, source: fileSource(day.file), asOf: day.asOf });
    await afterIngest();
  }
  expect((await catchUpProjections(database)).failures).toEqual([]);
}

/** What a build before data contract 1.1 stored: CoveredEntityChanged version 1, without `changes`. */
async function storeAsVersion1(database: Database): Promise<void> {
  await storeChangedAsVersion1(database.pool);
}

/** An event as a reader sees it, less what differs between two runs of the same ingests (when, how long). */
function comparable({ recordedAt: _recordedAt, ...event }: StoredEvent) {
  if (event.type !== 'SnapshotIngested') return event;
  const { durationMs: _durationMs, ...data } = event.data;
  return { ...event, data };
}

let v1: Database;
let v2: Database;
beforeAll(async () => {
  [v1, v2] = await Promise.all([createTestDatabase('upcast_v1'), createTestDatabase('upcast_v2')]);
  await ingestDays(v1, () => storeAsVersion1(v1));
  await ingestDays(v2);
}, 120_000);
afterAll(async () => {
  await v1?.close();
  await v2?.close();
});

describe('a log written as version 1 and the same days written as version 2', () => {
  it('hold version 1 and version 2 changes as stored', async () => {
    const stored = async (database: Database) =>
      (
        await database.store.readAll({
          limit: 10_000,
          types: ['CoveredEntityChanged'],
        })
      ).map((event) => [event.schemaVersion, 'changes' in event.data]);
    expect(new Set((await stored(v1)).map(String))).toEqual(new Set(['1,false']));
    expect(new Set((await stored(v2)).map(String))).toEqual(new Set(['2,true']));
    expect((await stored(v1)).length).toBeGreaterThanOrEqual(7);
  });

  it('give the same feed, with every change detailed', async () => {
    const feed = (database: Database) => database.store.readAll({ limit: 10_000, detail: true });
    const [fromV1, fromV2] = [await feed(v1), await feed(v2)];
    expect(fromV1.map(comparable)).toEqual(fromV2.map(comparable));
    const terminated = fromV1.find(
      (event) => event.type === 'CoveredEntityChanged' && event.streamId === 'coveredEntity-DSH000001.1',
    );
    expect(terminated?.type === 'CoveredEntityChanged' && terminated.data.changes).toEqual([
      {
        path: 'contractPharmacies',
        added: [expect.objectContaining({ contractId: 77 })],
        removed: [],
        changed: [
          {
            key: { contractId: 10 },
            changes: [{ path: 'terminationDate', from: null, to: '2026-11-02T00:00:00' }],
          },
        ],
      },
    ]);
  });

  it("give the projections' bulk read the same changes when it asks, and version 1 as stored when it does not", async () => {
    const bulk = async (database: Database, detail: boolean) => {
      const range = { after: 0, until: await database.store.headPosition() };
      const events = [];
      for await (const chunk of database.store.readEntityChanges(range, { detail })) events.push(...chunk);
      return events.filter((event) => event.type === 'CoveredEntityChanged');
    };
    expect(await bulk(v1, true)).toEqual(await bulk(v2, true));
    expect((await bulk(v1, false)).map((event) => [event.schemaVersion, event.data.changes])).toContainEqual([
      1,
      undefined,
    ]);
  });

  it('give the same `opais events --json`, a stream too', async () => {
    const lines = async (database: Database, ...args: string[]) => {
      const run = await runOpais(['events', '--json', '--limit', '10000', ...args], envFor(database));
      expect(run.code, run.stderr).toBe(0);
      return run.stdout
        .trim()
        .split('\n')
        .map((line) => comparable(JSON.parse(line)));
    };
    expect(await lines(v1)).toEqual(await lines(v2));
    const stream = ['--stream', 'coveredEntity-DSH000003.3'];
    expect(await lines(v1, ...stream)).toEqual(await lines(v2, ...stream));
  }, 60_000);

  it('give every entity the same history', async () => {
    for (const [id340B, ceId] of [
      ['DSH000001', 1],
      ['DSH000002', 2],
      ['DSH000003', 3],
      ['DSH000004', 4],
      ['DSH000005', 5],
    ] as const) {
      const [fromV1, fromV2] = [await entityHistory(v1, id340B, ceId), await entityHistory(v2, id340B, ceId)];
      expect(fromV1).toEqual(fromV2);
      expect(
        fromV1.events.some((event) => event.type === 'CoveredEntityChanged' && event.changes?.length),
      ).toBe(true);
    }
  });

  it('give the same tables', async () => {
    const { rows: tables } = await v2.pool.query<{ name: string }>(
      `select tablename as name from pg_tables where schemaname = current_schema()
          and tablename not in ('events', 'schema_migrations', 'projector_checkpoints') order by 1`,
    );
    expect(tables.map((table) => table.name)).toContain('dim_ce_contract_pharmacy');
    for (const { name } of tables) {
      const rows = async (database: Database) =>
        (
          await database.pool.query<{ row: string }>(
            // Less the surrogate key and what differs between two runs of the same ingests (when, how long).
            `select (to_jsonb(t) - 'row_id' - 'duration_ms' - 'ingested_at')::text as row from ${name} t order by 1`,
          )
        ).rows;
      expect(await rows(v1), name).toEqual(await rows(v2));
    }
  });
});
