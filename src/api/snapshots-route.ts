import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.ts';
import { errorResponses, listOf } from './schemas.ts';

interface Row {
  as_of: Date;
  sha256: string;
  global_position: number;
  source: unknown;
  counts: unknown;
  duration_ms: number;
  ingested_at: Date;
  data_quality_problem_count: number | null;
}

/** GET /snapshots: the ingest audit, one item per applied snapshot, oldest first. */
export function registerSnapshotsRoute(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/snapshots',
    {
      schema: {
        summary:
          'The ingest audit: every applied snapshot with its source, SHA-256, as-of, counts and duration',
        tags: ['snapshots'],
        response: {
          200: listOf({
            type: 'object',
            required: ['asOf', 'sha256', 'position', 'source', 'counts', 'durationMs', 'ingestedAt'],
            properties: {
              asOf: { type: 'string', format: 'date-time' },
              sha256: { type: 'string' },
              position: {
                type: 'integer',
                description: 'global position of its SnapshotIngested event',
              },
              source: { type: 'object', additionalProperties: true },
              counts: {
                type: 'object',
                additionalProperties: true,
                description: 'entities, registered, changed, removed, unchanged, skipped, duplicates',
              },
              dataQualityProblemCount: { type: ['integer', 'null'] },
              durationMs: { type: 'integer' },
              ingestedAt: { type: 'string', format: 'date-time' },
            },
          }),
          ...errorResponses(),
        },
      },
    },
    async () => {
      const { rows } = await context.pool.query<Row>(
        `select s.as_of, s.sha256, s.global_position, s.source, s.counts, s.duration_ms, s.ingested_at,
                (e.data->>'dataQualityProblemCount')::int as data_quality_problem_count
           from snapshots s left join events e on e.global_position = s.global_position
          order by s.as_of`,
      );
      return {
        items: rows.map((row) => ({
          asOf: row.as_of.toISOString(),
          sha256: row.sha256,
          position: row.global_position,
          source: publicSource(row.source),
          counts: row.counts,
          dataQualityProblemCount: row.data_quality_problem_count,
          durationMs: row.duration_ms,
          ingestedAt: row.ingested_at.toISOString(),
        })),
      };
    },
  );
}

/** Where the server's files are is not the client's business: a local file is named by its file name only. */
function publicSource(source: unknown): unknown {
  if (typeof source !== 'object' || source === null || (source as { kind?: unknown }).kind !== 'file')
    return source;
  const { path: _path, ...rest } = source as Record<string, unknown>;
  return rest;
}
