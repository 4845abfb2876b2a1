import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  /** `http://host:port/metrics` */
  url: string;
  close(): Promise<void>;
}

/**
 * `--metrics-port`: GET /metrics in the Prometheus text format for a
 * long-running command that has no HTTP server of its own (`project
 * --follow`, `watch`). `refresh` reads what is taken at scrape time.
 */
export async function serveMetrics(options: {
  registry: Registry;
  refresh?: () => Promise<void>;
  port: number;
  host: string;
}): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://x').pathname !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    (options.refresh?.() ?? Promise.resolve())
      .then(() => options.registry.metrics())
      .then(
        (text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: Error) =>
          response
            .writeHead(503, { 'content-type': 'text/plain' })
            .end(`metrics unavailable: ${error.message}\n`),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
