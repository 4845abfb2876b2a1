import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.ts';
import { errorResponses, listOf } from './schemas.ts';

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
    async () => ({
      items: (await context.store.listSnapshots()).map((snapshot) => ({
        asOf: snapshot.asOf.toISOString(),
        sha256: snapshot.sha256,
        position: snapshot.globalPosition,
        source: publicSource(snapshot.source),
        counts: snapshot.counts,
        dataQualityProblemCount: snapshot.dataQualityProblemCount,
        durationMs: snapshot.durationMs,
        ingestedAt: snapshot.ingestedAt.toISOString(),
      })),
    }),
  );
}

/** Where the server's files are is not the client's business: a local file is named by its file name only. */
function publicSource(source: unknown): unknown {
  if (typeof source !== 'object' || source === null || (source as { kind?: unknown }).kind !== 'file')
    return source;
  const { path: _path, ...rest } = source as Record<string, unknown>;
  return rest;
}
