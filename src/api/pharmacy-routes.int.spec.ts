import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { loadChangeScenario } from '../../test/support/change-scenario.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';

let database: Database;
let api: RunningApi;

beforeAll(async () => {
  database = await createTestDatabase('api_pharmacies');
  await loadChangeScenario(database);
  api = await startApi(database);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const day = (n: number) => `2026-11-0${n}T05:00:00.000000Z`;

describe('GET /pharmacies', () => {
  it('shows a pharmacy and every contract with it over time: appeared, changed, disappeared', async () => {
    const { status, body } = await api.get('/pharmacies/777');
    expect(status).toBe(200);
    expect(body.pharmacy).toMatchObject({
      pharmacyId: '777',
      current: true,
      name: 'PHARMACY 777',
      city: 'SALEM',
    });
    const byContract = Object.fromEntries(
      body.contracts.map((contract: { contractId: string }) => [contract.contractId, contract]),
    );
    expect(Object.keys(byContract).sort()).toEqual(['11', '12', '13', '14']);
    expect(byContract['11']).toMatchObject({
      id340B: 'DSH000001',
      ceId: 1,
      entityName: 'GENERAL HOSPITAL',
      current: true,
      beginDate: '2015-07-01T00:00:00.000000',
      terminationDate: '2026-11-01T00:00:00.000000',
      appeared: [day(1)],
      changed: [day(2)],
      disappeared: [],
    });
    expect(byContract['13']).toMatchObject({
      current: false,
      appeared: [day(2)],
      changed: [],
      disappeared: [day(3)],
    });
    expect(byContract['14']).toMatchObject({ current: true, appeared: [day(2)], disappeared: [] });
  });

  it('finds pharmacies by name, city, state, zip or id, every word having to match', async () => {
    const names = async (q: string) =>
      (await api.get(`/pharmacies?q=${encodeURIComponent(q)}`)).body.items.map(
        (item: { pharmacyId: string }) => item.pharmacyId,
      );
    expect(await names('pharmacy 777')).toEqual(['777']);
    expect(await names('salem')).toContain('777');
    expect(await names('01970 MA')).toContain('777');
    expect(await names('777')).toEqual(['777']);
    expect(await names('nowhere')).toEqual([]);
  });

  it('answers an unknown pharmacy with NOT_FOUND and a malformed id with INVALID_ARGUMENT', async () => {
    const missing = await api.get('/pharmacies/123456');
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await api.get('/pharmacies/abc')).status).toBe(400);
    expect((await api.get('/pharmacies')).status).toBe(400);
  });
});
