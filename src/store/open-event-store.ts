import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import type { EventStore, EventStoreKind } from './event-store.ts';
import { createMemoryEventStore } from './memory/memory-event-store.ts';
import { createPostgresEventStore } from './postgres/postgres-event-store.ts';

/**
 * Which backend holds the events, and what it needs. The projections' own
 * tables are always in PostgreSQL (the Database); only the log moves.
 */
export type EventStoreConfig =
  | {
      backend: 'postgres';
      /** Connections whose search_path names the store's schema; lent, not closed by the store. */
      pool: pg.Pool;
      /** For the subscription's own LISTEN connection. */
      connectionString: string;
    }
  | { backend: 'memory' };
// KurrentDB (issue 12) adds `{ backend: 'kurrentdb'; connectionString: string }` here and a case below.

/** The one place that chooses and builds an event store; every command, the Lambda, the watcher, the API and the projections get theirs here. */
export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.backend) {
    case 'postgres':
      return createPostgresEventStore(config.pool, config.connectionString);
    case 'memory':
      return createMemoryEventStore();
    default:
      throw new OpaisError(
        'INVALID_ARGUMENT',
        `event store backend ${JSON.stringify((config as { backend: string }).backend)} is not supported (postgres, memory)`,
      );
  }
}

export const eventStoreBackends: readonly EventStoreKind[] = ['postgres', 'memory'];
