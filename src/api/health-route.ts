import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.ts';
import { readStoreHead } from './read-store-head.ts';
import { errorResponses } from './schemas.ts';

/**
 * GET /health: 200 while the database answers (`status` is `degraded` when
 * a projector has stopped on an event it cannot apply), 503 from the error
 * catalogue when it does not. Public even with a token set, for probes,
 * and never rate-limited; a stopped projector's error text is shown only to
 * a caller with the token.
 */
const hiddenError = 'stopped; the error text is shown with the API token (or in opais status)';

export function registerHealthRoute(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/health',
    {
      // Probes must see the server's state, not the limit that one client (or every client behind a proxy) ran into.
      config: { rateLimit: false },
      schema: {
        summary: 'Database reachability, event-store head and projector lag',
        tags: ['operations'],
        response: {
          200: {
            type: 'object',
            required: ['status', 'database', 'headPosition', 'lastSnapshotAsOf', 'projectors'],
            properties: {
              status: { type: 'string', enum: ['ok', 'degraded'] },
              database: { type: 'string', enum: ['up'] },
              headPosition: { type: 'integer' },
              lastSnapshotAsOf: { type: ['string', 'null'], format: 'date-time' },
              projectors: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    projector: { type: 'string' },
                    position: { type: 'integer' },
                    asOf: { type: ['string', 'null'] },
                    lagEvents: { type: 'integer' },
                    lagSeconds: { type: 'number' },
                    error: { type: ['string', 'null'] },
                    errorPosition: { type: ['integer', 'null'] },
                  },
                },
              },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const head = await readStoreHead(context);
      const failed = head.projectors.some((projector) => projector.error !== null);
      // A projector's error quotes the entity values it could not apply: only a caller with the token reads them.
      const projectors = context.showsDetails(request)
        ? head.projectors
        : head.projectors.map((projector) =>
            projector.error === null ? projector : { ...projector, error: hiddenError },
          );
      return { status: failed ? 'degraded' : 'ok', database: 'up', ...head, projectors };
    },
  );
}
