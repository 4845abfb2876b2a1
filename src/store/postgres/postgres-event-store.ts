import type pg from 'pg';
import type { EventStore } from '../event-store.ts';
import { withChangeDetail } from '../with-change-detail.ts';
import { beginIngest } from './begin-ingest.ts';
import { listSnapshots } from './list-snapshots.ts';
import { readAll } from './read-all.ts';
import { readEntityStates } from './read-entity-states.ts';
import { readStream } from './read-stream.ts';

/** The event store in the PostgreSQL schema that the pool's search_path names. */
export function createPostgresEventStore(pool: pg.Pool): EventStore {
  return {
    kind: 'postgres',
    beginIngest: (options) => beginIngest(pool, options),
    ...withChangeDetail({
      readAll: (options) => readAll(pool, options),
      readStream: (streamId, options) => readStream(pool, streamId, options),
      readEntityStates: (refs) => readEntityStates(pool, refs),
    }),
    listSnapshots: () => listSnapshots(pool),
    async headPosition() {
      const { rows } = await pool.query<{ head: number }>(
        'select coalesce(max(global_position), 0) as head from events',
      );
      return rows[0]?.head ?? 0;
    },
  };
}
