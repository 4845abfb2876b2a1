import { type Command, InvalidArgumentError } from 'commander';
import { type EventStoreBackend, readConfig } from '../../config.ts';
import { migrate } from '../../db/migrate.ts';
import { createPool, openDatabase } from '../../db/open-database.ts';
import { OpaisError } from '../../errors.ts';
import { copyEvents } from '../../store/copy-events.ts';
import { openEventStore } from '../../store/open-event-store.ts';

/** `postgres[:<schema>]` or `kurrentdb[:<schema>]`: a backend and the PostgreSQL schema of its registry and tables. */
interface StoreSpec {
  backend: Extract<EventStoreBackend, 'postgres' | 'kurrentdb'>;
  schema: string | undefined;
}

export function registerCopyEventsCommand(program: Command): void {
  program
    .command('copy-events')
    .description(
      'copy the event log from one store to another, snapshot by snapshot (run it again to resume); a store is postgres[:<schema>] or kurrentdb[:<schema>] (the server of EVENTSTORE_CONNECTION_STRING, its registry in that schema)',
    )
    .requiredOption('--from <store>', 'the store to read', parseStoreSpec)
    .requiredOption('--to <store>', 'the store to write', parseStoreSpec)
    .action(async (flags: { from: StoreSpec; to: StoreSpec }) => {
      const config = readConfig();
      const fromSchema = flags.from.schema ?? config.schema;
      const toSchema = flags.to.schema ?? config.schema;
      if (fromSchema === toSchema) {
        throw new OpaisError(
          'INVALID_ARGUMENT',
          `--from and --to both use schema ${fromSchema}: a schema holds one store's registry and tables, so name another one (e.g. --to ${flags.to.backend}:${fromSchema}_copy)`,
        );
      }
      const source = await openDatabase({
        config: { ...config, eventStore: flags.from.backend },
        schema: fromSchema,
      });
      const pool = createPool(source.connectionString, toSchema);
      try {
        await migrate(pool, toSchema);
        const target = await openEventStore({
          backend: flags.to.backend,
          postgres: { pool, connectionString: source.connectionString },
          kurrentdb: { connectionString: config.eventStoreConnectionString },
        });
        const stopping = new AbortController();
        const stop = () => stopping.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          const result = await copyEvents(source.store, target, {
            signal: stopping.signal,
            onSnapshot: ({ asOf, events }) =>
              process.stdout.write(`copied snapshot as of ${asOf.toISOString()}: ${events} event(s)\n`),
          });
          process.stdout.write(
            `${stopping.signal.aborted ? 'stopped' : 'done'}: ${result.snapshots} snapshot(s), ${result.events} event(s) copied from ${flags.from.backend} (schema ${fromSchema}) to ${flags.to.backend} (schema ${toSchema})${result.alreadyThere ? `; ${result.alreadyThere} snapshot(s) were there already` : ''}\n`,
          );
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          await target.close();
        }
      } finally {
        await pool.end();
        await source.close();
      }
    });
}

function parseStoreSpec(value: string): StoreSpec {
  const match = /^(postgres|kurrentdb)(?::([a-z_][a-z0-9_]{0,62}))?$/.exec(value);
  if (!match) {
    throw new InvalidArgumentError(
      `not a store: ${value} (postgres, kurrentdb, or either followed by :<schema>, a lower-case SQL identifier)`,
    );
  }
  return { backend: match[1] as StoreSpec['backend'], schema: match[2] };
}
