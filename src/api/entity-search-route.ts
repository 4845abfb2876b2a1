import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.ts';
import { errorResponses, listOf, searchQuerystring } from './schemas.ts';
import { searchEntities } from './search-entities.ts';

/** GET /entities?q=: find entities by 340B id prefix or by words of their name, for the dashboard's search box. */
export function registerEntitySearchRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: { q: string; limit: number } }>(
    '/entities',
    {
      schema: {
        summary: 'Find entities by 340B id prefix or by words of their name',
        tags: ['entities'],
        querystring: searchQuerystring('a 340B id prefix or name words'),
        response: {
          200: listOf({
            type: 'object',
            required: ['id340B', 'ceId', 'current', 'name', 'subName', 'city', 'state', 'asOf'],
            properties: {
              id340B: { type: 'string' },
              ceId: { type: 'integer' },
              current: { type: 'boolean', description: 'false when the entity has been removed' },
              name: { type: ['string', 'null'] },
              subName: { type: ['string', 'null'] },
              city: { type: ['string', 'null'] },
              state: { type: ['string', 'null'] },
              asOf: { type: 'string', format: 'date-time', description: 'as-of of its latest content' },
            },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ items: await searchEntities(context.pool, request.query.q, request.query.limit) }),
  );
}
