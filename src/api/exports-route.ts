import type { FastifyInstance } from 'fastify';
import { type ExportFormat, exportFormats } from '../export/export-format.ts';
import { openExport } from '../export/open-export.ts';
import type { ApiContext } from './api-context.ts';
import { parseAsOfParam, parseRangeStartParam } from './as-of-param.ts';
import { asOfSchema, errorResponses } from './schemas.ts';

interface ExportQuery {
  format?: ExportFormat;
  fromPosition?: number;
  toPosition?: number;
  from?: string;
  to?: string;
  asOf?: string;
  history?: boolean;
  where?: string[];
}

/**
 * GET /exports/:what: the files of `opais export`, streamed from a cursor
 * (a full history of the largest table is never held in memory). The name
 * and the filter are checked before the first byte, so a bad request gets
 * an error answer rather than a broken file.
 */
export function registerExportsRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: { what: string }; Querystring: ExportQuery }>(
    '/exports/:what',
    {
      schema: {
        summary:
          'A dim_* table (current rows, rows as of an instant, or every version) or the change feed (`changes`), as CSV, Parquet or NDJSON',
        tags: ['exports'],
        params: {
          type: 'object',
          required: ['what'],
          properties: {
            what: { type: 'string', description: 'a dim_* table, e.g. dim_ce_contract_pharmacy' },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: { type: 'string', enum: Object.keys(exportFormats), description: 'default csv' },
            asOf: asOfSchema,
            history: { type: 'boolean', description: 'every version instead of the rows in force' },
            where: {
              type: 'array',
              items: { type: 'string' },
              description:
                'conditions `column OP value` (OP: = != < <= > >= ~ for contains), comma-separated or repeated, all of which must hold; `a|b` lists alternatives, an empty value after = is NULL; see docs/exports.md',
            },
            fromPosition: {
              type: 'integer',
              minimum: 1,
              description: 'changes: from this global position (inclusive)',
            },
            toPosition: {
              type: 'integer',
              minimum: 1,
              description: 'changes: up to this global position (inclusive)',
            },
            from: {
              ...asOfSchema,
              description:
                'changes: starting with the snapshot of this as-of (a date: the start of that day)',
            },
            to: {
              ...asOfSchema,
              description: 'changes: up to snapshots of this as-of (a date: the end of that day)',
            },
          },
        },
        response: {
          200: {
            description: 'the file (CSV RFC 4180 with a header, Parquet, or NDJSON), streamed',
            content: Object.fromEntries(
              Object.values(exportFormats).map((format) => [
                format.contentType.split(';')[0],
                { schema: { type: 'string' } },
              ]),
            ),
          },
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const { format, asOf, history, where, fromPosition, toPosition, from, to } = request.query;
      const instant = (value: string | undefined, name: string, parse = parseAsOfParam) =>
        value === undefined ? undefined : parse(value, `querystring/${name}`);
      const opened = await openExport(
        { pool: context.exportPool, store: context.store },
        {
          what: request.params.what,
          format,
          asOf: instant(asOf, 'asOf'),
          history,
          where,
          range: {
            fromPosition,
            toPosition,
            from: instant(from, 'from', parseRangeStartParam),
            to: instant(to, 'to'),
          },
          places: {
            asOf: 'querystring/asOf',
            history: 'querystring/history',
            where: 'querystring/where',
            range: 'querystring/fromPosition, toPosition, from, to',
          },
        },
      );
      return reply
        .type(opened.contentType)
        .header('content-disposition', `attachment; filename="${opened.fileName}"`)
        .send(opened.body);
    },
  );
}
