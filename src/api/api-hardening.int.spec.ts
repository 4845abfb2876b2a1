import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { startApi } from '../../test/support/api-server.ts';
import { coveredEntities, tempDir, writeSnapshot } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { ingestSnapshot } from '../ingest/ingest-snapshot.ts';
import { fileSource } from '../source/file-source.ts';

/** What an attacker or a load balancer in front of the API would try; each answer in the catalogue's shape. */
let database: Database;
const dir = tempDir('opais-api-hardening-');
const token = 'hardening-token-7c1e';
const secretValue = 'SECRET ENTITY VALUE 4711';

beforeAll(async () => {
  database = await createTestDatabase('api_hard');
  await ingestSnapshot({
    store: database.store,
    source: fileSource(writeSnapshot(dir, 'day1.json', coveredEntities(5))),
    asOf: new Date('2026-06-01T05:00:00Z'),
  });
  await catchUpProjections(database);
  await database.pool.query(
    `update projector_checkpoints set error = $1, error_position = 1, error_at = now() where projector = 'dim_ce'`,
    [`dim_ce: participating must be "TRUE" or "FALSE", got "${secretValue}"`],
  );
});
afterAll(() => database?.close());

function expectCatalogueShape(body: unknown, code: string, status: number) {
  expect(body).toMatchObject({ code, status, title: expect.any(String), message: expect.any(String) });
}

describe('API hardening', () => {
  it('never opens more live streams than the limit, however many requests arrive at once', async () => {
    const api = await startApi(database, { maxStreams: 5 });
    const aborts = Array.from({ length: 60 }, () => new AbortController());
    try {
      const answers = await Promise.all(
        aborts.map((abort) => fetch(`${api.url}/changes/stream`, { signal: abort.signal })),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(55);
      for (const answer of answers.filter((each) => each.status === 429))
        expectCatalogueShape(await answer.json(), 'RATE_LIMITED', 429);
    } finally {
      for (const abort of aborts) abort.abort();
      await api.close();
    }
  });

  it('takes decimal integers in range only, and answers oversized requests in the catalogue shape', async () => {
    const api = await startApi(database);
    try {
      for (const query of [
        'limit=Infinity',
        'limit=0x10',
        'limit=1e2',
        'limit=-Infinity',
        'limit=16.0',
        'limit=0',
      ]) {
        const answer = await api.get(`/changes?${query}`);
        expect(answer.status, query).toBe(400);
        expectCatalogueShape(answer.body, 'INVALID_ARGUMENT', 400);
      }
      expect((await api.get('/entities?q=HOSP&limit=0x5')).status).toBe(400);
      expect((await api.get('/changes?limit=16')).status).toBe(200);
      expect((await api.get('/changes?limit=0016')).status).toBe(200);

      const longParam = await api.get(`/entities/${'A'.repeat(300)}/1`);
      expect(longParam.status).toBe(414);
      expectCatalogueShape(longParam.body, 'URI_TOO_LONG', 414);

      const bigHeaders = await api.get('/health', { 'x-padding': 'a'.repeat(20_000) });
      expect(bigHeaders.status).toBe(431);
      expectCatalogueShape(bigHeaders.body, 'HEADERS_TOO_LARGE', 431);

      const garbage = await rawRequest(api.url, 'NOT HTTP AT ALL\r\n\r\n');
      expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
      expectCatalogueShape(
        JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)),
        'INVALID_ARGUMENT',
        400,
      );
    } finally {
      await api.close();
    }
  });

  it('behind a trusted proxy limits each client on its own, and never limits /health', async () => {
    const api = await startApi(database, { rateLimitPerMinute: 3, trustProxy: '127.0.0.1' });
    try {
      const from = (client: string) => ({ 'x-forwarded-for': client });
      for (let i = 0; i < 3; i++) expect((await api.get('/changes', from('203.0.113.1'))).status).toBe(200);
      const limited = await api.get('/changes', from('203.0.113.1'));
      expect(limited.status).toBe(429);
      expectCatalogueShape(limited.body, 'RATE_LIMITED', 429);
      expect((await api.get('/changes', from('203.0.113.2'))).status).toBe(200);
      for (let i = 0; i < 10; i++) expect((await api.get('/health', from('203.0.113.1'))).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('without a trusted proxy, a forged X-Forwarded-For does not buy a fresh limit', async () => {
    const api = await startApi(database, { rateLimitPerMinute: 2 });
    try {
      for (let i = 0; i < 2; i++) await api.get('/changes', { 'x-forwarded-for': `198.51.100.${i}` });
      expect((await api.get('/changes', { 'x-forwarded-for': '198.51.100.9' })).status).toBe(429);
    } finally {
      await api.close();
    }
  });

  it('keeps projector error texts and server paths from callers without the token; JSON is nosniff', async () => {
    const api = await startApi(database, { token });
    try {
      const open = await api.get('/health');
      expect(open.status).toBe(200);
      expect(open.body.status).toBe('degraded');
      expect(JSON.stringify(open.body)).not.toContain(secretValue);
      expect(open.body.projectors.find((p: { projector: string }) => p.projector === 'dim_ce')).toMatchObject(
        {
          error: expect.stringContaining('stopped'),
          errorPosition: 1,
        },
      );
      const withToken = await api.get('/health', { authorization: `Bearer ${token}` });
      expect(JSON.stringify(withToken.body)).toContain(secretValue);

      const snapshots = await api.get('/snapshots', { authorization: `Bearer ${token}` });
      expect(snapshots.body.items[0].source).toMatchObject({ kind: 'file', fileName: 'day1.json' });
      expect(JSON.stringify(snapshots.body)).not.toContain(dir);

      for (const answer of [open, snapshots, await api.get('/changes'), await api.get('/no-such-route')])
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await api.close();
    }
  });
});

/** Sends bytes as they are (fetch would refuse to send what is not HTTP) and returns the whole answer. */
function rawRequest(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer)).on('error', reject);
  });
}
