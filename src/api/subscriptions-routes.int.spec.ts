import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { recordDelivered, recordFailed } from '../subscriptions/subscription-store.ts';

let database: Database;
let api: RunningApi;
const auth = { authorization: 'Bearer token-0123456789' };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const response = await fetch(api.url + path, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  database = await createTestDatabase('subapi');
  api = await startApi(database, { token: 'token-0123456789' });
});
afterAll(async () => {
  await api.close();
  await database.close();
});

describe('/subscriptions over the API', () => {
  it('adds, lists (never the secret, never without the token), pauses, resumes and removes', async () => {
    expect((await call('GET', '/subscriptions', undefined, {})).status).toBe(401);
    expect(
      (
        await call(
          'POST',
          '/subscriptions',
          { url: 'http://127.0.0.1:9/x' },
          { 'content-type': 'application/json' },
        )
      ).status,
    ).toBe(401);

    const created = await call('POST', '/subscriptions', {
      url: 'https://hooks.example.org/opais',
      filter: 'state=TN|GA,path=contractPharmacies',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      url: 'https://hooks.example.org/opais',
      status: 'active',
      cursor: 0,
      filter: { state: ['TN', 'GA'], path: ['contractPharmacies'] },
      secret: expect.stringMatching(/^whsec_/),
    });
    const id = created.body.id;
    await recordFailed(database.pool, id, {
      firstPosition: 1,
      lastPosition: 3,
      items: 2,
      attempt: 1,
      httpStatus: 503,
      latencyMs: 12,
      error: 'HTTP 503',
      delayMs: 60_000,
      failingAfter: 1,
    });
    let listed = await call('GET', '/subscriptions');
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(listed.body.items[0]).toMatchObject({
      status: 'failing',
      consecutiveFailures: 1,
      lastError: 'HTTP 503',
      deliveries: [{ outcome: 'failed', attempt: 1, httpStatus: 503, latencyMs: 12, items: 2 }],
    });
    const metrics = (await api.get('/metrics', auth)).body as string;
    expect(metrics).toContain(`opais_webhook_deliveries_total{subscription="${id}",outcome="failed"} 1`);
    expect(metrics).toContain(`opais_webhook_subscription_failing{subscription="${id}"} 1`);

    expect((await call('POST', `/subscriptions/${id}/pause`)).status).toBe(204);
    expect((await call('GET', '/subscriptions')).body.items[0].status).toBe('paused');
    expect((await call('POST', `/subscriptions/${id}/resume`)).status).toBe(204);
    await recordDelivered(database.pool, id, {
      firstPosition: 1,
      lastPosition: 3,
      items: 2,
      attempt: 1,
      httpStatus: 200,
      latencyMs: 5,
    });
    listed = await call('GET', '/subscriptions');
    expect(listed.body.items[0]).toMatchObject({
      status: 'active',
      cursor: 3,
      consecutiveFailures: 0,
      itemsDeliveredTotal: 2,
    });
    expect((await api.get('/metrics', auth)).body).toContain(
      `opais_webhook_changes_delivered_total{subscription="${id}"} 2`,
    );

    expect((await call('DELETE', `/subscriptions/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/subscriptions/${id}`)).body.code).toBe('NOT_FOUND');
    expect((await call('GET', '/subscriptions')).body.items).toEqual([]);
  });

  it('refuses a URL that is not http(s), a bad filter and a short secret with catalogue codes', async () => {
    for (const [body, code] of [
      [{ url: 'ftp://example.org/x' }, 'INVALID_ARGUMENT'],
      [{ url: 'not a url' }, 'INVALID_ARGUMENT'],
      [{ url: 'https://example.org/x', filter: 'colour=red' }, 'FILTER_INVALID'],
      [{ url: 'https://example.org/x', secret: 'short' }, 'INVALID_ARGUMENT'],
    ] as const) {
      const answer = await call('POST', '/subscriptions', body);
      expect([answer.status, answer.body.code], JSON.stringify(answer.body)).toEqual([400, code]);
    }
  });

  it('a server without a token serves no subscriptions at all', async () => {
    const open = await startApi(database);
    try {
      const answer = await open.get('/subscriptions');
      expect([answer.status, answer.body.code]).toEqual([401, 'UNAUTHORIZED']);
    } finally {
      await open.close();
    }
  });
});
