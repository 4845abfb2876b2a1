import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** The OpenAPI document at /docs/json (built from the routes' schemas) and Swagger UI at /docs. */
export async function registerOpenApi(
  app: FastifyInstance,
  options: { tokenRequired: boolean },
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OPAIS change log API',
        version: '1',
        description:
          'Read-only change feed, entity history and time travel over the 340B OPAIS covered-entity export. ' +
          'Errors share one catalogue: `{code, title, status, message, details?}`.',
      },
      tags: [
        { name: 'changes', description: 'the global change feed' },
        { name: 'entities', description: 'one entity: state, time travel, history; search' },
        { name: 'snapshots', description: 'the ingest audit' },
        { name: 'exports', description: 'tables and the feed as CSV, Parquet or NDJSON files' },
        { name: 'subscriptions', description: 'signed change webhooks (token-protected; docs/webhooks.md)' },
        { name: 'operations', description: 'health and metrics' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(options.tokenRequired ? { security: [{ bearer: [] }] } : {}),
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
