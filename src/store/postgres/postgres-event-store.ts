import type pg from 'pg';
import type { StoredEvent } from '../../events/event-types.ts';
import { upcastEvents } from '../../events/upcast-entity-changed.ts';
import type { EventStore } from '../event-store.ts';
import { beginIngest } from './begin-ingest.ts';
import { listSnapshots } from './list-snapshots.ts';
import { readAll } from './read-all.ts';
import { readEntityStates } from './read-entity-states.ts';
import { readStream } from './read-stream.ts';

/** The event store in the PostgreSQL schema that the pool's search_path names. */
export function createPostgresEventStore(pool: pg.Pool): EventStore {
  // Only readers that ask for the change detail pay for it (the projections' bulk read does not).
  const withDetail = async (options: { detail?: boolean } | undefined, read: Promise<StoredEvent[]>) =>
    options?.detail ? upcastEvents(await read, (refs) => readEntityStates(pool, refs)) : read;
  return {
    kind: 'postgres',
    beginIngest: (options) => beginIngest(pool, options),
    readAll: ((options) => withDetail(options, readAll(pool, options))) as EventStore['readAll'],
    readStream: ((streamId, options) =>
      withDetail(options, readStream(pool, streamId, options))) as EventStore['readStream'],
    readEntityStates: (refs) => readEntityStates(pool, refs),
    listSnapshots: () => listSnapshots(pool),
    async headPosition() {
      const { rows } = await pool.query<{ head: number }>(
        'select coalesce(max(global_position), 0) as head from events',
      );
      return rows[0]?.head ?? 0;
    },
  };
}
