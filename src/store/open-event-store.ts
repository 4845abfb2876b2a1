import type pg from 'pg';
import type { EventStoreBackend } from '../config.ts';
import { OpaisError } from '../errors.ts';
import type { EventStore } from './event-store.ts';
import { createMemoryEventStore } from './memory/memory-event-store.ts';
import { createPostgresEventStore } from './postgres/postgres-event-store.ts';

/** Which backend keeps the events, and what each needs. */
export interface EventStoreConfig {
  backend: EventStoreBackend;
  /**
   * The PostgreSQL database (the projections' tables are always there): the
   * postgres backend keeps its events in the pool's schema. The pool is lent,
   * not closed by the store; `connectionString` serves the subscription's
   * own connection.
   */
  postgres?: { pool: pg.Pool; connectionString: string };
  /**
   * The kurrentdb backend's server (EVENTSTORE_CONNECTION_STRING); its
   * registry and ingest lock are in the PostgreSQL schema above.
   */
  kurrentdb?: { connectionString: string | undefined };
}

/**
 * The one place that chooses and builds an event store. The CLI commands,
 * the Lambda and the watcher get theirs through openDatabase
 * (src/db/open-database.ts), the API through createApiServer; the
 * projections read the store they are handed.
 */
export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.backend) {
    case 'postgres':
      if (!config.postgres)
        throw new OpaisError('INVALID_ARGUMENT', 'the postgres event store needs a database');
      return createPostgresEventStore(config.postgres.pool, config.postgres.connectionString);
    case 'kurrentdb': {
      if (!config.postgres)
        throw new OpaisError(
          'INVALID_ARGUMENT',
          'the kurrentdb event store needs a database for its registry',
        );
      // Imported when chosen: the client and its native reader stay out of the Lambda bundle (infra/build-lambda.ts).
      const { openKurrentDbEventStore } = await import('./kurrentdb/open-kurrentdb-event-store.ts');
      return openKurrentDbEventStore(config.kurrentdb?.connectionString, config.postgres.pool);
    }
    case 'memory':
      return createMemoryEventStore();
  }
}
