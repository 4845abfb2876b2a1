import type { Command } from 'commander';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../log/create-logger.ts';
import { serveMetrics } from '../metrics/serve-metrics.ts';
import { registerStoreMetrics } from '../metrics/store-metrics.ts';
import { parsePort } from './parse-options.ts';

export interface MetricsFlags {
  metricsPort?: number;
  metricsHost: string;
}

/** `--metrics-port` and `--metrics-host`, the one way a long-running command without an API exposes metrics. */
export function addMetricsOptions(command: Command): Command {
  return command
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics at http://<metrics-host>:<port>/metrics',
      parsePort,
    )
    .option('--metrics-host <host>', 'address of the metrics endpoint', '127.0.0.1');
}

/**
 * The command's registry (Node's process metrics and the store's figures,
 * plus whatever the command registers), served while `run` runs when
 * --metrics-port is given. Without it the registry is filled and not served.
 */
export async function withCommandMetrics<T>(
  flags: MetricsFlags,
  database: Database,
  log: Logger,
  run: (registry: Registry) => Promise<T>,
): Promise<T> {
  const registry = new Registry();
  if (flags.metricsPort === undefined) return run(registry);
  collectDefaultMetrics({ register: registry });
  const store = registerStoreMetrics(registry, database);
  const server = await serveMetrics({
    registry,
    refresh: store.refresh,
    port: flags.metricsPort,
    host: flags.metricsHost,
  });
  log.info({ url: server.url }, 'serving metrics');
  try {
    return await run(registry);
  } finally {
    await server.close();
  }
}
