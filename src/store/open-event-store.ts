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
  // KurrentDB (issue 12) adds its connection settings here, a backend name in src/config.ts and a case below.
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
    case 'memory':
      return createMemoryEventStore();
  }
}
