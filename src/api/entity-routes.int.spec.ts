import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { appendTestSnapshot } from '../../projections/testing/append-test-snapshot.ts';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { ingestAndProject } from '../../test/support/ingest-and-project.ts';
import { coveredEntity, tempDir } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { canonicalEntityJson } from '../snapshot/canonicalise.ts';
import { setEventSchemaVersion } from '../store/postgres/testing/set-event-schema-version.ts';

let database: Database;
let api: RunningApi;
const dir = tempDir('opais-api-entities-');
const asOf = (n: number) => new Date(Date.UTC(2026, 4, n, 5, 30));

const stone = coveredEntity('BL030740', 7201, {
  name: 'STONE MOUNTAIN HEALTH SERVICES',
  subName: 'ST CHARLES HEALTH COUNCIL',
  streetAddress: { addressLine1: '213 Monarch Road', city: 'ST CHARLES', state: 'VA', zip: '24282' },
});
const renamed = {
  ...stone,
  name: 'STONE MOUNTAIN HEALTH',
  primaryContact: { name: 'NEW CONTACT', title: 'COO' },
};
const gone = coveredEntity('DSH050001', 1);
const filler = Array.from({ length: 40 }, (_, index) =>
  coveredEntity(`RRC${String(index).padStart(5, '0')}`, 100 + index),
);

async function ingest(name: string, entities: unknown[], at: Date) {
  await ingestAndProject(database, dir, name, entities, at);
}

beforeAll(async () => {
  database = await createTestDatabase('api_entities');
  await ingest('day1.json', [stone, gone, ...filler], asOf(1));
  await ingest('day2.json', [renamed, ...filler], asOf(2));
  await ingest('day3.json', [renamed, { ...gone, name: 'BACK AGAIN' }, ...filler], asOf(3));
  // The search reads the entity_search read model, which the projectors keep.
  await catchUpProjections(database);
  api = await startApi(database);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('GET /entities/:id340B/:ceId', () => {
  it('answers the current canonical state with the version that made it', async () => {
    const { status, body } = await api.get('/entities/BL030740/7201');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id340B: 'BL030740',
      ceId: 7201,
      removed: false,
      requestedAsOf: null,
      type: 'CoveredEntityChanged',
      streamVersion: 2,
      asOf: asOf(2).toISOString(),
      changedPaths: [
        'name',
        'primaryContact.name',
        'primaryContact.phoneNumber',
        'primaryContact.phoneNumberExtension',
      ],
    });
    // Canonical form, member order included.
    expect(JSON.stringify(body.entity)).toBe(canonicalEntityJson(renamed));
  });

  it('travels in time: a date means the end of that day (UTC), an instant is exact', async () => {
    const dayOne = await api.get('/entities/BL030740/7201?asOf=2026-05-01');
    expect(dayOne.body).toMatchObject({
      requestedAsOf: '2026-05-01T23:59:59.999999Z',
      type: 'CoveredEntityRegistered',
    });
    expect(dayOne.body.entity.name).toBe('STONE MOUNTAIN HEALTH SERVICES');

    const justBefore = await api.get(
      `/entities/BL030740/7201?asOf=${new Date(asOf(2).getTime() - 1).toISOString()}`,
    );
    expect(justBefore.body.entity.name).toBe('STONE MOUNTAIN HEALTH SERVICES');
    const exactly = await api.get(`/entities/BL030740/7201?asOf=${asOf(2).toISOString()}`);
    expect(exactly.body.entity.name).toBe('STONE MOUNTAIN HEALTH');

    const before = await api.get('/entities/BL030740/7201?asOf=2026-04-30');
    expect(before.status).toBe(404);
    expect(before.body).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('not seen as of'),
    });
  });

  it('says when an entity was removed, and shows it again once it reappears', async () => {
    const removed = await api.get('/entities/DSH050001/1?asOf=2026-05-02');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({
      removed: true,
      type: 'CoveredEntityRemoved',
      entity: null,
      contentHash: null,
      asOf: asOf(2).toISOString(),
    });
    const back = await api.get('/entities/DSH050001/1');
    expect(back.body).toMatchObject({ removed: false, type: 'CoveredEntityRegistered', streamVersion: 3 });
    expect(back.body.entity.name).toBe('BACK AGAIN');
  });

  it('answers 404 for an entity never seen and 400 for malformed keys or instants', async () => {
    expect((await api.get('/entities/BL030740/7202')).body.code).toBe('NOT_FOUND');
    for (const path of [
      '/entities/BL030740/x',
      '/entities/BL%2B030740/1',
      '/entities/BL030740/1?asOf=tomorrow',
      '/entities/BL030740/1?asOf=2026-02-30',
    ]) {
      const answer = await api.get(path);
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({
        path,
        status: 400,
        code: 'INVALID_ARGUMENT',
      });
    }
  });
});

describe('GET /entities/:id340B/:ceId/history', () => {
  it('lists every version with its event, as-of and changed paths', async () => {
    const { body } = await api.get('/entities/DSH050001/1/history');
    expect(body.items.map((version: { type: string; asOf: string }) => [version.type, version.asOf])).toEqual(
      [
        ['CoveredEntityRegistered', asOf(1).toISOString()],
        ['CoveredEntityRemoved', asOf(2).toISOString()],
        ['CoveredEntityRegistered', asOf(3).toISOString()],
      ],
    );
    expect(body.items[1]).toMatchObject({ entity: null, changedPaths: [] });
    expect(body.items[2].entity.name).toBe('BACK AGAIN');

    const stoneHistory = await api.get('/entities/BL030740/7201/history');
    expect(stoneHistory.body.items).toHaveLength(2);
    expect(stoneHistory.body.items[1].changedPaths).toContain('name');
    expect(stoneHistory.body.items[0].changes).toEqual([]);
    expect(stoneHistory.body.items[1].changes).toEqual([
      { path: 'name', from: 'STONE MOUNTAIN HEALTH SERVICES', to: 'STONE MOUNTAIN HEALTH' },
      { path: 'primaryContact.name', from: 'P CONTACT', to: 'NEW CONTACT' },
      { path: 'primaryContact.phoneNumber', from: '6175550101', to: null },
      { path: 'primaryContact.phoneNumberExtension', from: '12', to: null },
    ]);
    expect((await api.get('/entities/NOPE/1/history')).status).toBe(404);
  });

  it('shows the changes of a version stored as schema version 1, computed from the version before it', async () => {
    const old = coveredEntity('OLD00001', 1);
    await appendTestSnapshot(database.store, asOf(10).toISOString(), [
      { type: 'CoveredEntityRegistered', entity: old },
    ]);
    await appendTestSnapshot(database.store, asOf(11).toISOString(), [
      { type: 'CoveredEntityChanged', entity: { ...old, npiNumbers: [] } },
    ]);
    await setEventSchemaVersion(database.pool, { streamId: 'coveredEntity-OLD00001.1', streamVersion: 2 }, 1);
    const { body } = await api.get('/entities/OLD00001/1/history');
    expect(body.items[1].changes).toEqual([
      { path: 'npiNumbers', added: [], removed: [{ npiNumber: '1215284153', state: 'MA' }], changed: [] },
    ]);
  });

  it('answers a history read again the same, and with the new version once a snapshot adds one (the cache follows the head)', async () => {
    const entity = coveredEntity('NEW00001', 1);
    await appendTestSnapshot(database.store, asOf(12).toISOString(), [
      { type: 'CoveredEntityRegistered', entity },
    ]);
    const first = await api.get('/entities/NEW00001/1/history');
    expect((await api.get('/entities/NEW00001/1/history')).body).toEqual(first.body);
    await appendTestSnapshot(database.store, asOf(13).toISOString(), [
      { type: 'CoveredEntityChanged', entity: { ...entity, name: 'RENAMED' } },
    ]);
    const { body } = await api.get('/entities/NEW00001/1/history');
    expect(body.items.map((version: { streamVersion: number }) => version.streamVersion)).toEqual([1, 2]);
    expect(body.items[1].entity.name).toBe('RENAMED');
  });
});

describe('GET /entities?q=', () => {
  it('finds entities by words of their latest name or sub-name, whatever the case', async () => {
    const { body } = await api.get('/entities?q=stone%20mount');
    expect(body.items).toEqual([
      {
        id340B: 'BL030740',
        ceId: 7201,
        current: true,
        name: 'STONE MOUNTAIN HEALTH',
        subName: 'ST CHARLES HEALTH COUNCIL',
        city: 'ST CHARLES',
        state: 'VA',
        asOf: asOf(2).toISOString(),
      },
    ]);
    expect(
      (await api.get('/entities?q=charles%20council')).body.items.map(
        (item: { id340B: string }) => item.id340B,
      ),
    ).toEqual(['BL030740']);
    // A name it no longer has does not find it.
    expect((await api.get('/entities?q=services')).body.items).toEqual([]);
  });

  it('finds entities by a 340B id prefix, current ones first', async () => {
    const { body } = await api.get('/entities?q=rrc0000&limit=5');
    expect(body.items.map((item: { id340B: string }) => item.id340B)).toEqual([
      'RRC00000',
      'RRC00001',
      'RRC00002',
      'RRC00003',
      'RRC00004',
    ]);
    expect((await api.get('/entities?q=dsh05')).body.items[0]).toMatchObject({
      id340B: 'DSH050001',
      current: true,
    });
    expect((await api.get('/entities?q=')).status).toBe(400);
  });
});
