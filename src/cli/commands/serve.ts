import type { Command } from 'commander';
import { createApiServer } from '../../api/create-api-server.ts';
import { readConfig } from '../../config.ts';
import { assertMigrated } from '../../db/migrate.ts';
import { openDatabase } from '../../db/open-database.ts';
import { OpaisError } from '../../errors.ts';
import { createLogger } from '../../log/create-logger.ts';
import { parseCount, parsePort, parseTrustProxy } from '../parse-options.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the change-feed API and the dashboard (read-only); OPAIS_API_TOKEN set = bearer token required',
    )
    .option('--port <port>', 'TCP port', parsePort, 3000)
    .option('--host <host>', 'address to bind (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--rate-limit <requests>', 'requests a minute per client address (0: no limit)', parseCount, 6000)
    .option(
      '--trust-proxy <proxies>',
      'take the client address from X-Forwarded-For when the request comes from these proxies: true (any), or addresses/CIDRs, comma-separated (env OPAIS_TRUST_PROXY)',
      parseTrustProxy,
    )
    .action(
      async (flags: { port: number; host: string; rateLimit: number; trustProxy?: boolean | string }) => {
        const trustProxy = flags.trustProxy ?? parseTrustProxyEnv(process.env.OPAIS_TRUST_PROXY);
        // Never migrates: it may run under a role that can only read (docs/api.md), and says so if the schema is behind.
        const database = await openDatabase({ migrate: false });
        try {
          await assertMigrated(database.pool, database.schema);
          const app = await createApiServer({
            connectionString: database.connectionString,
            schema: database.schema,
            eventStore: readConfig().eventStore,
            // From the environment, not a flag: a token on a command line is visible to every user of the machine.
            token: process.env.OPAIS_API_TOKEN || undefined,
            rateLimitPerMinute: flags.rateLimit,
            trustProxy,
            loggerInstance: createLogger(),
          });
          // Listening for the signals before announcing the address: a supervisor may stop us as soon as it sees it.
          const stopped = new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          });
          try {
            const address = await app.listen({ port: flags.port, host: flags.host });
            process.stderr.write(`opais: serving ${address} (dashboard at /, API description at /docs)\n`);
            await stopped;
          } finally {
            await app.close();
          }
        } finally {
          await database.close();
        }
      },
    );
}

function parseTrustProxyEnv(value: string | undefined): boolean | string {
  try {
    return parseTrustProxy(value ?? '');
  } catch (error) {
    throw new OpaisError('INVALID_ARGUMENT', `OPAIS_TRUST_PROXY: ${(error as Error).message}`);
  }
}
