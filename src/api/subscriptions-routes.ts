import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import { addSubscription } from '../subscriptions/add-subscription.ts';
import {
  deleteSubscription,
  listSubscriptions,
  setSubscriptionPaused,
} from '../subscriptions/subscription-store.ts';
import { errorResponses, listOf } from './schemas.ts';

const deliverySchema = {
  type: 'object',
  properties: {
    attemptedAt: { type: 'string', format: 'date-time' },
    firstPosition: { type: 'integer' },
    lastPosition: { type: 'integer' },
    items: { type: 'integer' },
    attempt: { type: 'integer' },
    outcome: { type: 'string', enum: ['delivered', 'failed'] },
    httpStatus: { type: ['integer', 'null'] },
    error: { type: ['string', 'null'] },
    latencyMs: { type: 'integer' },
  },
} as const;

const subscriptionProperties = {
  id: { type: 'integer' },
  url: { type: 'string' },
  filter: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  status: { type: 'string', enum: ['active', 'paused', 'failing'] },
  cursor: { type: 'integer', description: 'global position up to which the subscriber has its changes' },
  createdAt: { type: 'string', format: 'date-time' },
  consecutiveFailures: { type: 'integer' },
  nextAttemptAt: { type: 'string', format: 'date-time' },
  lastError: { type: ['string', 'null'] },
  deliveriesTotal: { type: 'integer' },
  failuresTotal: { type: 'integer' },
  itemsDeliveredTotal: { type: 'integer' },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/**
 * /subscriptions: the change webhooks of `opais subscriptions` over HTTP.
 * They hold secrets and write, so they exist only on a server started with
 * a token (otherwise every call is refused) and use a writable pool of
 * their own; a list never shows a secret (it is returned once, on creation).
 */
export function registerSubscriptionsRoutes(
  app: FastifyInstance,
  pool: pg.Pool | undefined,
  store: EventStoreReader,
): void {
  const writable = () => {
    if (!pool) {
      throw new OpaisError(
        'UNAUTHORIZED',
        'subscriptions are served only by a server started with an API token',
      );
    }
    return pool;
  };
  const tags = ['subscriptions'];

  app.get(
    '/subscriptions',
    {
      schema: {
        summary:
          'Subscriptions with their status, cursor, counters and latest delivery attempts (never the secrets)',
        tags,
        response: {
          200: listOf({
            type: 'object',
            properties: { ...subscriptionProperties, deliveries: { type: 'array', items: deliverySchema } },
          }),
          ...errorResponses(),
        },
      },
    },
    async () => ({ items: await listSubscriptions(writable()) }),
  );

  app.post<{ Body: { url: string; filter?: string; secret?: string; from?: number } }>(
    '/subscriptions',
    {
      schema: {
        summary: 'Subscribe a URL to signed batches of changes; the answer holds the secret, shown only here',
        tags,
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            url: { type: 'string', description: 'http(s) URL the changes are POSTed to' },
            filter: {
              type: 'string',
              description: 'id340B=…,entityType=…,state=…,path=… (a|b alternatives)',
            },
            secret: { type: 'string', minLength: 16, description: 'HMAC secret; generated when absent' },
            from: {
              type: 'integer',
              minimum: 0,
              description: 'deliver changes after this position; default: the head',
            },
          },
        },
        response: {
          201: { type: 'object', properties: { ...subscriptionProperties, secret: { type: 'string' } } },
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const added = await addSubscription(writable(), store, request.body, {
        url: 'body/url',
        filter: 'body/filter',
        secret: 'body/secret',
      });
      return reply.code(201).send(added);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/subscriptions/:id',
    {
      schema: {
        summary: 'Remove a subscription and its delivery log',
        tags,
        params: idParams,
        response: { 204: { type: 'null' }, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      if (!(await deleteSubscription(writable(), request.params.id))) throw notFound(request.params.id);
      return reply.code(204).send();
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: { id: number } }>(
      `/subscriptions/:id/${action}`,
      {
        schema: {
          summary:
            action === 'pause'
              ? 'Stop delivering (the cursor stays)'
              : 'Deliver again from the cursor, at once',
          tags,
          params: idParams,
          response: { 204: { type: 'null' }, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await setSubscriptionPaused(writable(), request.params.id, action === 'pause')))
          throw notFound(request.params.id);
        return reply.code(204).send();
      },
    );
  }
}

function notFound(id: number): OpaisError {
  return new OpaisError('NOT_FOUND', `no subscription ${id}`);
}
