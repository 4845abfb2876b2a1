import type { Command } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { openDatabase } from '../../db/open-database.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending SQL migrations from ddl/ (also done automatically on first use)')
    .action(async () => {
      const database = await openDatabase({ migrate: false });
      try {
        const applied = await migrate(database.pool, database.schema);
        process.stdout.write(
          applied.length
            ? `applied ${applied.join(', ')} to schema ${database.schema}\n`
            : `schema ${database.schema} is up to date\n`,
        );
      } finally {
        await database.close();
      }
    });
}
