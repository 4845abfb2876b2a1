import { type EntityEventType, entityEventTypes } from '../events/event-types.ts';
import { asOfPattern } from './as-of-param.ts';

/**
 * JSON schemas shared by the routes: Fastify validates every input against
 * them (unknown parameters are refused, not dropped), serialises answers
 * with them and publishes them in the OpenAPI document.
 */
/** `type=` takes the event type names or their short forms. */
export const eventTypeAliases: Readonly<Record<string, EntityEventType>> = {
  CoveredEntityRegistered: 'CoveredEntityRegistered',
  CoveredEntityChanged: 'CoveredEntityChanged',
  CoveredEntityRemoved: 'CoveredEntityRemoved',
  registered: 'CoveredEntityRegistered',
  changed: 'CoveredEntityChanged',
  removed: 'CoveredEntityRemoved',
};

export const maxPageSize = 1000;
export const defaultPageSize = 100;

/** An answer that is a plain list: `{ items: [...] }`. */
/** The querystring of a search route: `q` (its words, described per route) and a `limit` of 1 to 100 items. */
export function searchQuerystring(description: string) {
  return {
    type: 'object',
    required: ['q'],
    additionalProperties: false,
    properties: {
      q: { type: 'string', minLength: 1, maxLength: 100, description },
      limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    },
  } as const;
}

export function listOf<Item>(item: Item) {
  return {
    type: 'object',
    required: ['items'],
    properties: { items: { type: 'array', items: item } },
  } as const;
}

export const id340BSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  description: '340B id, e.g. DSH050001',
} as const;

export const ceIdSchema = {
  type: 'integer',
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'OPAIS internal id (ceId)',
} as const;

export const cursorSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'opaque cursor: the `next` of an earlier page (or an SSE event id)',
} as const;

export const asOfSchema = {
  type: 'string',
  pattern: asOfPattern,
  description: 'YYYY-MM-DD (end of that day, UTC) or an ISO 8601 instant (UTC when it has no zone)',
} as const;

/** Filters shared by the feed page and the live stream. */
export const feedFilterProperties = {
  type: {
    type: 'array',
    items: { type: 'string', enum: Object.keys(eventTypeAliases) },
    description:
      'event types to include (repeat the parameter for several); short forms registered/changed/removed',
  },
  id340B: id340BSchema,
  state: {
    type: 'string',
    pattern: '^[A-Z]{2}$',
    description: "two-letter state of the entity's street address (for a removal: as it was before)",
  },
  entityType: {
    type: 'string',
    pattern: '^[A-Za-z0-9 _/-]{1,32}$',
    description: "the entity's type as OPAIS spells it, e.g. DSH, CAH, CH (for a removal: as it was before)",
  },
  path: {
    type: 'string',
    pattern: '^[A-Za-z0-9_]{1,64}(\\.[A-Za-z0-9_]{1,64}){0,7}$',
    description:
      'only Changed events whose changes touch this member: a changed path or an ancestor of one ' +
      '(`contractPharmacies`, `streetAddress` or `streetAddress.zip`)',
  },
} as const;

/** `detail=false` leaves each item's `changes` out (compact polling). */
export const detailProperty = {
  detail: {
    type: 'boolean',
    default: true,
    description: "include each item's `changes`; false for compact polling",
  },
} as const;

const changeValueSchema = { description: 'the value (string, number, boolean or array); null when absent' };

const leafChangeSchema = {
  type: 'object',
  required: ['path', 'from', 'to'],
  properties: { path: { type: 'string' }, from: changeValueSchema, to: changeValueSchema },
} as const;

/** One entry of a Changed event's `changes`: a scalar leaf, or a child collection's members added/removed/changed. */
export const changeSchema = {
  type: 'object',
  required: ['path'],
  description:
    'a scalar leaf `{ path, from, to }`, or a child collection `{ path, added, removed, changed }` whose members ' +
    'are in canonical form and matched by their natural key (docs/events.md)',
  properties: {
    path: { type: 'string' },
    from: changeValueSchema,
    to: changeValueSchema,
    added: { type: 'array', items: { type: 'object', additionalProperties: true } },
    removed: { type: 'array', items: { type: 'object', additionalProperties: true } },
    changed: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'changes'],
        properties: {
          key: { type: 'object', additionalProperties: true },
          changes: { type: 'array', items: leafChangeSchema },
        },
      },
    },
  },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['code', 'title', 'status', 'message'],
  properties: {
    code: { type: 'string', description: 'stable code from the error catalogue' },
    title: { type: 'string' },
    status: { type: 'integer' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

/** The error answers a route can give, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries([400, 401, 429, 500, 503, ...statuses].map((status) => [status, errorSchema]));
}

const describedAs = (what: string) => ({
  type: ['string', 'null'],
  description: `${what} (for a removal: last known)`,
});

export const changeItemSchema = {
  type: 'object',
  required: [
    'position',
    'eventId',
    'type',
    'id340B',
    'ceId',
    'asOf',
    'entityType',
    'name',
    'subName',
    'state',
    'changedPaths',
  ],
  properties: {
    position: { type: 'integer', description: 'global position of the event (commit order)' },
    eventId: { type: 'string', format: 'uuid' },
    type: { type: 'string', enum: [...entityEventTypes] },
    id340B: { type: 'string' },
    ceId: { type: 'integer' },
    asOf: { type: 'string', format: 'date-time', description: "as-of instant of the event's snapshot" },
    entityType: describedAs("the entity's type"),
    name: describedAs("the entity's name"),
    subName: describedAs("the entity's sub-name"),
    state: describedAs("the state of the entity's street address"),
    changedPaths: {
      type: 'array',
      items: { type: 'string' },
      description: 'for CoveredEntityChanged the members that differ; empty for Registered and Removed',
    },
    changes: {
      type: 'array',
      items: changeSchema,
      description:
        'what changed, before and after (CoveredEntityChanged; empty otherwise); absent with detail=false',
    },
  },
} as const;

export const entityVersionProperties = {
  position: { type: 'integer' },
  eventId: { type: 'string', format: 'uuid' },
  type: { type: 'string', enum: [...entityEventTypes] },
  streamVersion: { type: 'integer' },
  asOf: { type: 'string', format: 'date-time' },
  recordedAt: { type: 'string', format: 'date-time' },
  contentHash: { type: ['string', 'null'], description: 'null for a removal' },
  entity: {
    type: ['object', 'null'],
    additionalProperties: true,
    description: 'the canonical entity (members sorted, empty members left out); null for a removal',
  },
} as const;
