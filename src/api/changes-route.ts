import type { FastifyInstance, FastifyReply } from 'fastify';
import { OpaisError } from '../errors.ts';
import { type ChangePage, readChangeFeedPage } from '../feed/change-feed-queries.ts';
import { findSnapshot } from '../feed/find-snapshot.ts';
import type { ApiContext } from './api-context.ts';
import { parseAsOfParam } from './as-of-param.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { type FeedFilterQuery, feedFilterOf, pageKey } from './feed-filter.ts';
import {
  asOfSchema,
  changeItemSchema,
  cursorSchema,
  defaultPageSize,
  detailProperty,
  errorResponses,
  feedFilterProperties,
  maxPageSize,
} from './schemas.ts';

interface ChangesQuery extends FeedFilterQuery {
  since?: string;
  limit: number;
  snapshot?: string;
  detail: boolean;
}

/**
 * GET /changes: the entity change feed, a page at a time. `next` resumes
 * after the last item; a page shorter than `limit` has seen everything up to
 * the head, so its `next` skips the events the filter left out (an empty
 * page means caught up). A full page can never change and is served from
 * the response cache after its first read.
 */
export function registerChangesRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: ChangesQuery }>(
    '/changes',
    {
      schema: {
        summary: 'The global change feed in event order',
        tags: ['changes'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            since: cursorSchema,
            limit: { type: 'integer', minimum: 1, maximum: maxPageSize, default: defaultPageSize },
            ...feedFilterProperties,
            snapshot: {
              ...asOfSchema,
              description:
                "only the events of the snapshot with this as-of (a date: that day's snapshot); see /snapshots",
            },
            ...detailProperty,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'next'],
            properties: {
              items: { type: 'array', items: changeItemSchema },
              next: {
                ...cursorSchema,
                description: 'pass as `since` to read on; an empty page means caught up',
              },
            },
          },
          ...errorResponses(404, 422),
        },
      },
    },
    async (request, reply) => {
      const { since, limit, detail, snapshot } = request.query;
      const after = since === undefined ? 0 : decodeCursor(since, 'querystring/since');
      const snapshotPosition =
        snapshot === undefined
          ? undefined
          : (
              await findSnapshot(
                context.store,
                parseAsOfParam(snapshot, 'querystring/snapshot'),
                'querystring/snapshot',
              )
            ).snapshot.globalPosition;
      const filter = feedFilterOf(request.query, snapshotPosition);
      const key = pageKey(after, limit, filter, detail);
      const cached = context.responseCache.get(key);
      if (cached !== undefined) return sendPage(reply, cached, true);

      const page = await readChangeFeedPage(context.pool, after, limit, filter, detail);
      assertCursorKnown(after, page, 'querystring/since');
      const full = page.items.length === limit;
      const next = full ? (page.items.at(-1)?.position ?? after) : Math.max(after, page.head);
      const body = JSON.stringify({ items: page.items, next: encodeCursor(next) });
      if (full) context.responseCache.set(key, body);
      return sendPage(reply, body, full);
    },
  );
}

/** A cursor past the head was not handed out by this change log (another database, or one restored from an older backup). */
export function assertCursorKnown(after: number, page: ChangePage, where: string): void {
  if (after > page.head) {
    throw new OpaisError(
      'CURSOR_UNKNOWN',
      `${where}: the cursor is at position ${after} but the change log ends at ${page.head}`,
      { place: where, position: after, head: page.head },
    );
  }
}

function sendPage(reply: FastifyReply, body: string, immutable: boolean) {
  return reply
    .header('cache-control', immutable ? 'private, max-age=86400, immutable' : 'no-cache')
    .type('application/json; charset=utf-8')
    .send(body);
}
