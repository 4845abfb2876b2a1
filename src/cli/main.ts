import { Command } from 'commander';
import { OpaisError } from '../errors.ts';
import { registerEventsCommand } from './commands/events.ts';
import { registerIngestCommand } from './commands/ingest.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerStatusCommand } from './commands/status.ts';

const program = new Command('opais')
  .description('Event-sourced change log for the HRSA 340B OPAIS covered-entity export')
  .showHelpAfterError();

registerIngestCommand(program);
registerStatusCommand(program);
registerEventsCommand(program);
registerMigrateCommand(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof OpaisError) {
    process.stderr.write(`opais: ${error.code}: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`opais: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
