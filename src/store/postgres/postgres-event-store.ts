import type pg from 'pg';
import type { EventStore } from '../event-store.ts';
import { withChangeDetail } from '../with-change-detail.ts';
import { beginIngest } from './begin-ingest.ts';
import * as plans from './plans.ts';
import { readAll } from './read-all.ts';
import { readEntityChanges } from './read-entity-changes.ts';
import { readEntityStates } from './read-entity-states.ts';
import { readStream } from './read-stream.ts';
import { selectSnapshots } from './select-snapshots.ts';
import { subscribe } from './subscribe.ts';

/**
 * The event store in the PostgreSQL schema that the pool's search_path
 * names. The pool is lent (its owner closes it); `connectionString` serves
 * the subscription's own connection. Built only by openEventStore.
 */
export function createPostgresEventStore(pool: pg.Pool, connectionString: string): EventStore {
  return {
    kind: 'postgres',
    beginIngest: (options) => beginIngest(pool, options),
    ...withChangeDetail({
      readAll: (options) => readAll(pool, options),
      readEntityChanges: (range, options) => readEntityChanges(pool, range, options),
      readStream: (streamId, options) => readStream(pool, streamId, options),
      readEntityStates: (refs) => readEntityStates(pool, refs),
    }),
    async headPosition() {
      const { rows } = await pool.query<{ head: number }>(plans.headPosition);
      return rows[0]?.head ?? 0;
    },
    listSnapshots: () => selectSnapshots(pool, plans.listSnapshots),
    lastSnapshot: async () => (await selectSnapshots(pool, plans.lastSnapshot))[0],
    findSnapshotBySha256: async (sha256) =>
      (await selectSnapshots(pool, plans.snapshotBySha256, [sha256]))[0],
    async countEntities() {
      const { rows } = await pool.query<{ current: number; removed: number }>(plans.countEntities);
      return { current: rows[0]?.current ?? 0, removed: rows[0]?.removed ?? 0 };
    },
    subscribe: (handlers) => subscribe(connectionString, handlers),
    close: async () => {},
  };
}
