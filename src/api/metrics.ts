import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { registerStoreMetrics } from '../metrics/store-metrics.ts';
import type { ApiContext } from './api-context.ts';
import { errorResponses } from './schemas.ts';

/**
 * GET /metrics in the Prometheus text format: request latencies measured
 * in-process, and the store's figures read from the database at scrape
 * time (store-metrics.ts). Each server has its own registry.
 */
export function registerMetrics(app: FastifyInstance, context: ApiContext): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const store = registerStoreMetrics(registry, context);
  const latency = new Histogram({
    name: 'opais_api_request_duration_seconds',
    help: 'API request latency by route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const openStreams = new Gauge({
    name: 'opais_api_open_streams',
    help: 'live change streams open',
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
  });

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        produces: ['text/plain'],
        response: { 200: { type: 'string' }, ...errorResponses() },
      },
    },
    async (_request, reply) => {
      await store.refresh();
      openStreams.set(context.openStreams.size);
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
