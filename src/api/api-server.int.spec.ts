import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { coveredEntities, tempDir, writeSnapshot } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { ingestSnapshot } from '../ingest/ingest-snapshot.ts';
import { fileSource } from '../source/file-source.ts';

let database: Database;
let api: RunningApi;
const dir = tempDir('opais-api-server-');
const asOf = (n: number) => new Date(Date.UTC(2026, 5, n, 5));
const token = 'test-token-3f9a';
const authorised = { authorization: `Bearer ${token}` };

async function ingest(name: string, entities: unknown[], at: Date) {
  const store = database.store;
  return ingestSnapshot({ store, source: fileSource(writeSnapshot(dir, name, entities)), asOf: at });
}

beforeAll(async () => {
  database = await createTestDatabase('api_server');
  await ingest('day1.json', coveredEntities(20), asOf(1));
  await catchUpProjections(database);
  await ingest('day2.json', coveredEntities(21), asOf(2));
  api = await startApi(database, { token });
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('the API server', () => {
  it('requires the bearer token on data routes, not on the dashboard, the docs or /health', async () => {
    for (const path of [
      '/changes',
      '/changes/stream',
      '/entities?q=x',
      '/entities/DSH000001/1',
      '/snapshots',
      '/metrics',
    ]) {
      const missing = await api.get(path);
      expect({ path, status: missing.status, code: missing.body.code }).toEqual({
        path,
        status: 401,
        code: 'UNAUTHORIZED',
      });
      expect((await api.get(path, { authorization: 'Bearer wrong' })).status).toBe(401);
    }
    expect((await api.get('/changes', authorised)).status).toBe(200);
    for (const path of ['/', '/dashboard/dashboard.js', '/docs/json', '/health']) {
      expect({ path, status: (await api.get(path)).status }).toEqual({ path, status: 200 });
    }
  });

  it('lists the snapshots with source, SHA-256, as-of, counts and duration', async () => {
    const { body } = await api.get('/snapshots', authorised);
    expect(body.items).toHaveLength(2);
    expect(body.items[1]).toMatchObject({
      asOf: asOf(2).toISOString(),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      source: { kind: 'file', fileName: 'day2.json' },
      counts: { entities: 21, registered: 1, changed: 0, removed: 0, unchanged: 20 },
      dataQualityProblemCount: 0,
      durationMs: expect.any(Number),
    });
  });

  it('reports health with the head and every projector lag', async () => {
    const { status, body } = await api.get('/health');
    const head = await database.store.headPosition();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      database: 'up',
      headPosition: head,
      lastSnapshotAsOf: asOf(2).toISOString(),
    });
    expect(body.projectors.length).toBeGreaterThan(0);
    for (const projector of body.projectors) {
      // Projected after day 1 only: day 2's two events (registration, SnapshotIngested) are still to do.
      expect(projector).toMatchObject({ lagEvents: 2, lagSeconds: expect.any(Number), error: null });
    }
  });

  it('exposes Prometheus metrics: snapshots, events, head, lag and request latencies', async () => {
    await api.get('/changes', authorised);
    const { status, headers, body } = await api.get('/metrics', authorised);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/plain');
    expect(body).toMatch(/^# TYPE opais_snapshots_applied_total counter$/m);
    expect(body).toMatch(/^opais_snapshots_applied_total 2$/m);
    expect(body).toMatch(/^opais_entity_events_total\{type="CoveredEntityRegistered"\} 21$/m);
    expect(body).toMatch(/^opais_events_head_position \d+$/m);
    expect(body).toMatch(/^opais_projector_lag_events\{projector="dim_ce"\} 2$/m);
    expect(body).toMatch(
      /^opais_api_request_duration_seconds_count\{method="GET",route="\/changes",status_code="200"\} \d+$/m,
    );
  });

  it('publishes an OpenAPI document and a browsable page', async () => {
    const { body } = await api.get('/docs/json');
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/changes',
        '/changes/stream',
        '/entities',
        '/entities/{id340B}/{ceId}',
        '/entities/{id340B}/{ceId}/history',
        '/snapshots',
        '/health',
        '/metrics',
      ]),
    );
    expect(
      body.paths['/changes'].get.parameters.map((parameter: { name: string }) => parameter.name),
    ).toEqual(expect.arrayContaining(['since', 'limit', 'type', 'id340B', 'state']));
    const page = await api.get('/docs/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger');
  });

  it('limits the request rate with a catalogue error', async () => {
    const limited = await startApi(database, { rateLimitPerMinute: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await limited.get('/snapshots')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const answer = await limited.get('/snapshots');
      expect(answer.body).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });

  it('answers 503 from the catalogue, without internals, when the database is down', async () => {
    const broken = await startApi({ ...database, connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    try {
      const answer = await broken.get('/changes');
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({
        code: 'DATABASE_UNAVAILABLE',
        title: 'The database cannot be reached',
        status: 503,
        message: expect.any(String),
      });
      expect(answer.body.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    } finally {
      await broken.close();
    }
  });

  it('closes at once, though a client opened a connection and sent nothing (as browsers do)', async () => {
    const closing = await startApi(database);
    const { port } = new URL(closing.url);
    const spare = connect(Number(port), '127.0.0.1');
    await once(spare, 'connect');
    await closing.get('/health'); // a used keep-alive connection too
    const started = performance.now();
    await closing.close();
    expect(performance.now() - started).toBeLessThan(5000);
    spare.destroy();
  });
});
