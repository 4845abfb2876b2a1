import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpaisError } from '../errors.ts';
import { notifyIngestFailure } from './notify-ingest-failure.ts';

describe('notifyIngestFailure against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const received: Array<{ path: string; contentType: string | undefined; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer(async (request: IncomingMessage, response) => {
      let text = '';
      for await (const chunk of request) text += chunk;
      received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: JSON.parse(text),
      });
      response.statusCode = request.url === '/broken' ? 500 : 204;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs one JSON message when the mass-removal guard trips', async () => {
    const error = new OpaisError('MASS_REMOVAL', 'would remove 60 of 100 current entities', { removals: 60 });
    const undelivered = await notifyIngestFailure(error, 's3://b/day.json', 'test', {
      OPAIS_WEBHOOK_URL: `${base}/hook`,
    });
    expect(undelivered).toBeUndefined();
    expect(received.at(-1)).toMatchObject({
      path: '/hook',
      contentType: 'application/json',
      body: {
        event: 'ingest.mass_removal_refused',
        source: 's3://b/day.json',
        code: 'MASS_REMOVAL',
        origin: 'test',
      },
    });
  });

  it('sends nothing without OPAIS_WEBHOOK_URL', async () => {
    const before = received.length;
    expect(await notifyIngestFailure(new Error('x'), 'a.json', 'test', {})).toBeUndefined();
    expect(received.length).toBe(before);
  });

  it('reports, without throwing and without the secret URL, a webhook that fails or is unreachable', async () => {
    const failing = await notifyIngestFailure(new Error('boom'), 'a.json', 'test', {
      OPAIS_WEBHOOK_URL: `${base}/broken`,
    });
    expect(failing).toBe('the webhook (OPAIS_WEBHOOK_URL) was not notified: HTTP 500');
    expect(received.at(-1)?.body).toMatchObject({
      event: 'ingest.failed',
      code: 'INTERNAL',
      message: 'boom',
    });

    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = await notifyIngestFailure(new Error('boom'), 'a.json', 'test', {
      OPAIS_WEBHOOK_URL: `http://127.0.0.1:${closed}/token-123`,
    });
    expect(unreachable).toMatch(/^the webhook \(OPAIS_WEBHOOK_URL\) was not notified: /);
    expect(unreachable).not.toContain('token-123');
  });
});
