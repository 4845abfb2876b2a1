import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { outOfOrderExports } from '../store/postgres/export-inbox.ts';
import type { ApiContext } from './api-context.ts';
import { readStoreHead } from './read-store-head.ts';
import { errorResponses } from './schemas.ts';

/**
 * GET /metrics in the Prometheus text format. Request latencies are
 * measured in-process; the store's figures (snapshots, events by type, head,
 * projector lag) are read from the database at scrape time, so several API
 * processes report the same values. Each server has its own registry.
 */
export function registerMetrics(app: FastifyInstance, context: ApiContext): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: 'opais_api_request_duration_seconds',
    help: 'API request latency by route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const snapshots = gauge('opais_snapshots_applied', 'snapshots applied (ingests that committed)');
  const lastAsOf = gauge(
    'opais_last_snapshot_as_of_seconds',
    'as-of of the latest applied snapshot (Unix time)',
  );
  const entityEvents = gauge('opais_entity_events', 'entity events appended, by type', ['type']);
  const head = gauge('opais_events_head_position', 'global position of the last committed event');
  const entities = gauge('opais_entities', 'entities known to the registry', ['state']);
  const projectorPosition = gauge('opais_projector_position', 'global position a projector has applied', [
    'projector',
  ]);
  const lagEvents = gauge('opais_projector_lag_events', 'committed events a projector has not applied', [
    'projector',
  ]);
  const lagSeconds = gauge(
    'opais_projector_lag_seconds',
    'age of the oldest event a projector has not applied',
    ['projector'],
  );
  const projectorFailed = gauge('opais_projector_failed', '1 when a projector stopped on an event', [
    'projector',
  ]);
  const openStreams = gauge('opais_api_open_streams', 'live change streams open');
  const outOfOrder = gauge(
    'opais_exports_out_of_order',
    'exports refused because a later one was applied first (export_inbox; see docs/reliability.md)',
  );

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
      const [store, totals, late] = await Promise.all([
        readStoreHead(context),
        readTotals(context),
        outOfOrderExports(context.pool, 1),
      ]);
      outOfOrder.set(late.count);
      snapshots.set(totals.snapshots);
      if (store.lastSnapshotAsOf) lastAsOf.set(Date.parse(store.lastSnapshotAsOf) / 1000);
      for (const [type, count] of Object.entries(totals.events)) entityEvents.set({ type }, count);
      head.set(store.headPosition);
      entities.set({ state: 'current' }, totals.currentEntities);
      entities.set({ state: 'removed' }, totals.removedEntities);
      for (const projector of store.projectors) {
        const labels = { projector: projector.projector };
        projectorPosition.set(labels, projector.position);
        lagEvents.set(labels, projector.lagEvents);
        lagSeconds.set(labels, projector.lagSeconds);
        projectorFailed.set(labels, projector.error === null ? 0 : 1);
      }
      openStreams.set(context.openStreams.size);
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}

/** Totals from the snapshot audit and the registry: small tables, unlike counting the events themselves. */
async function readTotals(context: ApiContext) {
  const { rows } = await context.pool.query<{
    snapshots: number;
    registered: number;
    changed: number;
    removed: number;
    current_entities: number;
    removed_entities: number;
  }>(
    `select count(*) as snapshots,
            coalesce(sum((counts->>'registered')::bigint), 0) as registered,
            coalesce(sum((counts->>'changed')::bigint), 0) as changed,
            coalesce(sum((counts->>'removed')::bigint), 0) as removed,
            (select count(*) filter (where is_current) from entity_registry) as current_entities,
            (select count(*) filter (where not is_current) from entity_registry) as removed_entities
       from snapshots`,
  );
  const row = rows[0];
  return {
    snapshots: Number(row?.snapshots ?? 0),
    events: {
      CoveredEntityRegistered: Number(row?.registered ?? 0),
      CoveredEntityChanged: Number(row?.changed ?? 0),
      CoveredEntityRemoved: Number(row?.removed ?? 0),
    },
    currentEntities: Number(row?.current_entities ?? 0),
    removedEntities: Number(row?.removed_entities ?? 0),
  };
}
