import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { OpaisError } from '../errors.ts';
import { type ChangePage, type FeedFilter, readChangeFeedPage } from '../feed/change-feed-queries.ts';
import type { ApiContext } from './api-context.ts';
import { assertCursorKnown } from './changes-route.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { type FeedFilterQuery, feedFilterOf } from './feed-filter.ts';
import { cursorSchema, detailProperty, errorResponses, feedFilterProperties } from './schemas.ts';

interface StreamQuery extends FeedFilterQuery {
  since?: string;
  detail: boolean;
}

const batchSize = 500;
const heartbeatMs = 15_000;
const reconnectMs = 2000;

/**
 * GET /changes/stream: the change feed live, as Server-Sent Events. Each
 * event's id is the cursor after it, so a client that reconnects with
 * Last-Event-ID (EventSource does so by itself) resumes exactly there.
 * Without one it starts at `since`, or at the beginning like /changes.
 */
export function registerChangeStreamRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: StreamQuery; Headers: { 'last-event-id'?: string } }>(
    '/changes/stream',
    {
      schema: {
        summary: 'The change feed live as Server-Sent Events (resumes from Last-Event-ID)',
        description:
          'Each event: `id` = cursor after the item, `data` = one /changes item as JSON. When the filter skips ' +
          'events, an event with only an `id` advances the resume point. Comments keep idle connections alive.',
        tags: ['changes'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { since: cursorSchema, ...feedFilterProperties, ...detailProperty },
        },
        headers: { type: 'object', properties: { 'last-event-id': cursorSchema } },
        produces: ['text/event-stream'],
        response: {
          200: { description: 'an endless text/event-stream', type: 'string' },
          ...errorResponses(422),
        },
      },
    },
    async (request, reply) => {
      if (context.openStreams.size >= context.maxStreams) {
        throw new OpaisError(
          'RATE_LIMITED',
          `${context.maxStreams} live streams are open already; try again later`,
        );
      }
      // The slot is taken before the first await: counted and taken in one step, concurrent opens cannot overbook.
      let freeSlot = () => {};
      const slot = new Promise<void>((resolve) => {
        freeSlot = resolve;
      });
      context.openStreams.add(slot);
      const release = () => {
        context.openStreams.delete(slot);
        freeSlot();
      };
      const detail = request.query.detail;
      let after: number;
      let filter: FeedFilter;
      let seen: number;
      let first: ChangePage;
      try {
        const lastEventId = request.headers['last-event-id'];
        const where = lastEventId === undefined ? 'querystring/since' : 'headers/last-event-id';
        const cursor = lastEventId ?? request.query.since;
        after = cursor === undefined ? 0 : decodeCursor(cursor, where);
        filter = feedFilterOf(request.query);
        // The first page is read before the answer starts, so that a bad cursor still gets a JSON error.
        seen = context.changeSignal.version;
        first = await readChangeFeedPage(context.pool, after, batchSize, filter, detail);
        assertCursorKnown(after, first, where);
      } catch (error) {
        release();
        throw error;
      }

      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      const abort = new AbortController();
      const stop = () => abort.abort();
      response.on('close', stop);
      context.closing.addEventListener('abort', stop, { once: true });
      if (context.closing.aborted) stop();
      void pump({ context, response, filter, detail, after, seen, first, abort: abort.signal })
        .catch((error: unknown) => {
          // A client that goes away aborts a pending write: that is the normal end, not an error.
          if (!abort.signal.aborted) request.log.warn({ err: error }, 'change stream ended by an error');
        })
        .finally(() => {
          context.closing.removeEventListener('abort', stop);
          release();
          response.end();
        });
    },
  );
}

async function pump(options: {
  context: ApiContext;
  response: ServerResponse;
  filter: FeedFilter;
  detail: boolean;
  after: number;
  seen: number;
  first: ChangePage;
  abort: AbortSignal;
}): Promise<void> {
  const { context, response, filter, detail, abort } = options;
  let after = options.after;
  let page = options.first;
  let seen = options.seen;
  let lastWrite = Date.now();
  const write = async (chunk: string) => {
    lastWrite = Date.now();
    if (!response.write(chunk)) await once(response, 'drain', { signal: abort });
  };

  await write(`retry: ${reconnectMs}\n\n`);
  while (!abort.aborted) {
    for (const item of page.items) {
      await write(`id: ${encodeCursor(item.position)}\ndata: ${JSON.stringify(item)}\n\n`);
      after = item.position;
    }
    if (page.items.length < batchSize) {
      // Caught up: events past the last item up to the head were filtered out; move the resume point past them.
      if (page.head > after) {
        after = page.head;
        await write(`id: ${encodeCursor(after)}\n\n`);
      }
      await context.changeSignal.wait(seen, abort);
      if (abort.aborted) break;
      if (Date.now() - lastWrite >= heartbeatMs) await write(':\n\n');
    }
    seen = context.changeSignal.version;
    page = await readChangeFeedPage(context.pool, after, batchSize, filter, detail);
  }
}
