import type { Command } from 'commander';
import { grantReadOnly } from '../../db/grant-read-only.ts';
import { migrate } from '../../db/migrate.ts';
import { openDatabase } from '../../db/open-database.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending SQL migrations from ddl/ (also done automatically on first use)')
    .option(
      '--grant-read-only <role>',
      'then let this role read the schema and nothing more (created with LOGIN if missing; password from env OPAIS_READ_ONLY_PASSWORD): the role for opais serve',
    )
    .action(async (flags: { grantReadOnly?: string }) => {
      const database = await openDatabase({ migrate: false });
      try {
        const applied = await migrate(database.pool, database.schema);
        process.stdout.write(
          applied.length
            ? `applied ${applied.join(', ')} to schema ${database.schema}\n`
            : `schema ${database.schema} is up to date\n`,
        );
        if (flags.grantReadOnly) {
          // The password from the environment, not a flag: a command line is visible to every user of the machine.
          const password = process.env.OPAIS_READ_ONLY_PASSWORD || undefined;
          const created = await grantReadOnly(database.pool, database.schema, flags.grantReadOnly, password);
          process.stdout.write(
            `${created ? 'created role' : 'role'} ${flags.grantReadOnly} may read schema ${database.schema} (select only)${password ? ', password set from OPAIS_READ_ONLY_PASSWORD' : created ? '; give it a password (OPAIS_READ_ONLY_PASSWORD, or alter role … password …)' : ''}\n`,
          );
        }
      } finally {
        await database.close();
      }
    });
}
