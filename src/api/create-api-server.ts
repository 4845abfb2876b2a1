import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { subscribeToProjections } from '../../projections/subscribe-projections.ts';
import type { EventStoreBackend } from '../config.ts';
import { createPool } from '../db/open-database.ts';
import { OpaisError } from '../errors.ts';
import { openEventStore } from '../store/open-event-store.ts';
import type { ApiContext } from './api-context.ts';
import { createApiPool } from './api-pool.ts';
import { installBearerAuth } from './bearer-auth.ts';
import { createChangeSignal } from './change-signal.ts';
import { registerChangeStreamRoute } from './change-stream-route.ts';
import { registerChangesRoute } from './changes-route.ts';
import { registerDashboardRoutes } from './dashboard-routes.ts';
import { requireDecimalIntegers } from './decimal-integers.ts';
import { dropUnusedConnectionsOnClose } from './drop-unused-connections.ts';
import { registerEntityRoutes } from './entity-routes.ts';
import { registerEntitySearchRoute } from './entity-search-route.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './error-handler.ts';
import { registerExportsRoute } from './exports-route.ts';
import { registerHealthRoute } from './health-route.ts';
import { registerMetrics } from './metrics.ts';
import { registerOpenApi } from './openapi.ts';
import { registerPharmacyRoutes } from './pharmacy-routes.ts';
import { registerReportRoutes } from './report-routes.ts';
import { createResponseCache } from './response-cache.ts';
import { registerSnapshotsRoute } from './snapshots-route.ts';
import { registerSubscriptionsRoutes } from './subscriptions-routes.ts';

export interface ApiServerOptions {
  connectionString: string;
  /** The schema of the event store and projections. */
  schema: string;
  /** Which backend keeps the events (default postgres). */
  eventStore?: EventStoreBackend;
  /** The KurrentDB server when `eventStore` is kurrentdb. */
  eventStoreConnectionString?: string;
  /** When set, data routes require `Authorization: Bearer <token>`. */
  token?: string;
  /** Requests per minute per client address (default 6000); 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Live streams open at once (default 100). */
  maxStreams?: number;
  /** Characters of immutable answers (full feed pages, entity histories) kept in memory (default 64 Mi). */
  responseCacheSize?: number;
  /** Database connections (default 8). */
  poolSize?: number;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (the rate limit's key): Fastify's
   * trustProxy, `true` (any) or the proxies' addresses/CIDRs, comma-separated. Default none: the socket's address.
   */
  trustProxy?: boolean | string;
  /** Poll interval of the live streams while LISTEN is not connected. */
  pollIntervalMs?: number;
  /** Where the server logs (createLogger()'s logger; none by default). */
  loggerInstance?: FastifyBaseLogger;
}

/**
 * The change-feed API: a Fastify server over the event store and the
 * projected tables, read-only (its connections are read-only sessions).
 * The caller listens; closing the server ends the live streams and the
 * database connections.
 */
export async function createApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.loggerInstance,
    // Requests are counted and timed by /metrics; a log line per request would cost more than serving a cached page.
    logController: new LogController({ disableRequestLogging: true }),
    // Unknown query parameters are refused (a typo like `limt` must not be ignored).
    ajv: { customOptions: { removeAdditional: false } },
    forceCloseConnections: 'idle',
    trustProxy: options.trustProxy ?? false,
    clientErrorHandler,
    frameworkErrors,
  });
  const pool = createApiPool({
    connectionString: options.connectionString,
    schema: options.schema,
    max: options.poolSize,
  });
  const store = await openEventStore({
    backend: options.eventStore ?? 'postgres',
    postgres: { pool, connectionString: options.connectionString },
    kurrentdb: { connectionString: options.eventStoreConnectionString },
  });
  const exportPool = createApiPool({
    connectionString: options.connectionString,
    schema: options.schema,
    max: 4,
    statementTimeoutMs: 0,
  });
  // Only the subscription routes write; they exist only behind a token.
  const subscriptionsPool = options.token
    ? createPool(options.connectionString, options.schema, 2)
    : undefined;
  const closing = new AbortController();
  const context: ApiContext = {
    pool,
    store,
    exportPool,
    responseCache: createResponseCache(options.responseCacheSize ?? 64 * 1024 * 1024),
    changeSignal: createChangeSignal({
      // The feed is read from the change_feed table, which moves when projectors commit, not when events are appended.
      subscribe: (handlers) => subscribeToProjections(options.connectionString, handlers),
      pollIntervalMs: options.pollIntervalMs,
    }),
    maxStreams: options.maxStreams ?? 100,
    openStreams: new Set(),
    showsDetails: () => true,
    closing: closing.signal,
  };
  dropUnusedConnectionsOnClose(app);
  app.addHook('preClose', async () => {
    closing.abort();
    await Promise.all(context.openStreams);
  });
  app.addHook('onClose', async () => {
    await context.changeSignal.close();
    await store.close();
    await Promise.all([pool.end(), exportPool.end(), subscriptionsPool?.end()]);
  });

  try {
    installErrorHandler(app);
    requireDecimalIntegers(app);
    // No answer may be sniffed into another type (a JSON error quoting input rendered as HTML).
    app.addHook('onSend', async (_request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
    });
    const perMinute = options.rateLimitPerMinute ?? 6000;
    if (perMinute > 0) {
      await app.register(rateLimit, {
        max: perMinute,
        timeWindow: 60_000,
        errorResponseBuilder: (_request, limit) =>
          new OpaisError('RATE_LIMITED', `more than ${limit.max} requests a minute; retry in ${limit.after}`),
      });
    }
    if (options.token) context.showsDetails = installBearerAuth(app, options.token);
    await registerOpenApi(app, { tokenRequired: Boolean(options.token) });

    registerChangesRoute(app, context);
    registerChangeStreamRoute(app, context);
    registerEntitySearchRoute(app, context);
    registerEntityRoutes(app, context);
    registerSnapshotsRoute(app, context);
    registerExportsRoute(app, context);
    registerSubscriptionsRoutes(app, subscriptionsPool, store);
    registerReportRoutes(app, context);
    registerPharmacyRoutes(app, context);
    registerHealthRoute(app, context);
    registerMetrics(app, context);
    registerDashboardRoutes(app);
    await app.ready();
    return app;
  } catch (error) {
    await app.close().catch(() => {});
    throw error;
  }
}
