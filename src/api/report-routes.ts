import type { FastifyInstance, FastifyReply } from 'fastify';
import { readReport } from '../report/read-report.ts';
import { type ReportFormat, renderReport, reportMediaTypes } from '../report/render-report.ts';
import type { ApiContext } from './api-context.ts';
import { parseAsOfParam } from './as-of-param.ts';
import { asOfSchema, errorResponses } from './schemas.ts';

interface ReportQuery {
  format: ReportFormat;
  limit: number;
}

const nullableText = { type: ['string', 'null'] } as const;
const kindCounts = {
  registered: { type: 'integer' },
  changed: { type: 'integer' },
  removed: { type: 'integer' },
  total: { type: 'integer' },
} as const;
const entityLine = {
  id340B: { type: 'string' },
  ceId: { type: 'integer' },
  name: nullableText,
  entityType: nullableText,
  state: nullableText,
} as const;
const fieldChange = { field: { type: 'string' }, before: nullableText, after: nullableText } as const;
const listOfRows = (properties: Record<string, unknown>) =>
  ({
    type: 'object',
    required: ['total', 'items'],
    properties: {
      total: { type: 'integer', description: 'rows in all; `items` holds the first `limit`' },
      items: { type: 'array', items: { type: 'object', properties } },
    },
  }) as const;

/** The morning report (src/report/build-report.ts) as JSON; every member is always present. */
const reportSchema = {
  type: 'object',
  properties: {
    snapshot: {
      type: 'object',
      properties: {
        asOf: { type: 'string', format: 'date-time' },
        position: { type: 'integer' },
        sha256: { type: 'string' },
        source: { type: 'object', additionalProperties: true },
        counts: {
          type: 'object',
          additionalProperties: true,
          description: "the ingest summary's counts: registered, changed and removed equal counts.byKind",
        },
        previousAsOf: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    counts: {
      type: 'object',
      properties: {
        byKind: { type: 'object', properties: kindCounts },
        byEntityType: {
          type: 'array',
          items: { type: 'object', properties: { entityType: nullableText, ...kindCounts } },
        },
        byState: {
          type: 'array',
          items: { type: 'object', properties: { state: nullableText, ...kindCounts } },
        },
      },
    },
    registered: listOfRows(entityLine),
    removed: { ...listOfRows(entityLine), description: 'with the last known name, type and state' },
    participation: listOfRows({ ...entityLine, ...fieldChange }),
    contractPharmacies: {
      type: 'object',
      properties: {
        added: { type: 'integer' },
        removed: { type: 'integer' },
        terminated: { type: 'integer', description: 'contracts whose terminationDate was set' },
        changed: { type: 'integer' },
        entities: { type: 'integer' },
        largestNetChange: listOfRows({
          ...entityLine,
          added: { type: 'integer' },
          removed: { type: 'integer' },
          terminated: { type: 'integer' },
          changed: { type: 'integer' },
          net: { type: 'integer' },
        }),
      },
    },
    addresses: listOfRows({ ...entityLine, ...fieldChange }),
    npiNumbers: listOfRows({ ...entityLine, ...fieldChange }),
    medicaidNumbers: listOfRows({ ...entityLine, ...fieldChange }),
    dataQuality: listOfRows({
      code: { type: 'string' },
      index: { type: 'integer' },
      offset: { type: 'integer' },
      id340B: { type: 'string' },
      ceId: { type: 'integer' },
      message: { type: 'string' },
    }),
  },
} as const;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: {
      type: 'string',
      enum: ['json', 'csv', 'md', 'html', 'text'],
      default: 'json',
      description: 'json (default) answers inline; csv, md, html and text as a file to save',
    },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: 100_000,
      default: 1000,
      description: 'rows per list (counts are never cut)',
    },
  },
} as const;

/**
 * GET /reports/latest and GET /reports/:asOf: the morning report of a
 * snapshot (docs/changes.md). A date names that day's snapshot (the
 * latest at or before its end); an instant the latest at or before it.
 */
export function registerReportRoutes(app: FastifyInstance, context: ApiContext): void {
  const schema = (summary: string, params?: object) => ({
    summary,
    tags: ['reports'],
    ...(params ? { params } : {}),
    querystring,
    produces: ['application/json', 'text/csv', 'text/markdown', 'text/html', 'text/plain'],
    response: { 200: reportSchema, ...errorResponses(404) },
  });

  app.get<{ Querystring: ReportQuery }>(
    '/reports/latest',
    { schema: schema('The morning report of the latest snapshot') },
    async (request, reply) => send(reply, request.query, undefined),
  );

  app.get<{ Params: { asOf: string }; Querystring: ReportQuery }>(
    '/reports/:asOf',
    {
      schema: schema('The morning report of the snapshot as of a date or instant', {
        type: 'object',
        required: ['asOf'],
        properties: { asOf: asOfSchema },
      }),
    },
    async (request, reply) =>
      send(reply, request.query, parseAsOfParam(request.params.asOf, 'params/asOf'), 'params/asOf'),
  );

  async function send(reply: FastifyReply, query: ReportQuery, asOf: string | undefined, where?: string) {
    const report = await readReport(context.pool, context.store, { asOf, limit: query.limit, where });
    if (query.format === 'json') return report;
    const day = report.snapshot.asOf.slice(0, 10);
    const extension = query.format === 'text' ? 'txt' : query.format;
    return reply
      .type(reportMediaTypes[query.format])
      .header('content-disposition', `attachment; filename="opais-report-${day}.${extension}"`)
      .send(renderReport(report, query.format));
  }
}
