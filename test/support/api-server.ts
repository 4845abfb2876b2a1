import type { FastifyInstance } from 'fastify';
import { type ApiServerOptions, createApiServer } from '../../src/api/create-api-server.ts';
import type { Database } from '../../src/db/open-database.ts';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect answers of many shapes; their assertions check them.
  body: any;
}

export interface RunningApi {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:43117 */
  url: string;
  get(path: string, headers?: Record<string, string>): Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** The API over a test schema, listening on 127.0.0.1 at a random port, without rate limit unless asked. */
export async function startApi(
  database: Database,
  options: Partial<ApiServerOptions> = {},
): Promise<RunningApi> {
  const app = await createApiServer({
    connectionString: database.connectionString,
    schema: database.schema,
    rateLimitPerMinute: 0,
    ...options,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    async get(path, headers = {}) {
      const response = await fetch(url + path, { headers });
      const text = await response.text();
      const json = response.headers.get('content-type')?.includes('json');
      return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
    },
    close: () => app.close(),
  };
}
