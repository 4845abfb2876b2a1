import type { EventStore } from '../event-store.ts';
import { withChangeDetail } from '../with-change-detail.ts';
import { beginIngest } from './begin-ingest.ts';
import { findSnapshotBySha256, lastSnapshot, listSnapshots } from './list-snapshots.ts';
import { readAll } from './read-all.ts';
import { readEntityChanges } from './read-entity-changes.ts';
import { readEntityStates } from './read-entity-states.ts';
import { readHead } from './read-log.ts';
import { readStream } from './read-stream.ts';
import type { RegistrySide } from './registry-side.ts';
import { subscribe } from './subscribe.ts';
import type { KurrentLog } from './vocabulary.ts';

/**
 * The event log in KurrentDB (or EventStoreDB 23+), the registry and the
 * ingest lock in PostgreSQL (docs/architecture.md, "KurrentDB backend").
 * The client is the store's own: close() disposes of it.
 */
export function createKurrentDbEventStore(log: KurrentLog, registrySide: RegistrySide): EventStore {
  const { client } = log;
  return {
    kind: 'kurrentdb',
    beginIngest: (options) => beginIngest(log, registrySide, options),
    ...withChangeDetail({
      readAll: (options) => readAll(log, options),
      readEntityChanges: (range, options) => readEntityChanges(log, range, options),
      readStream: (streamId, options) => readStream(log, streamId, options),
      readEntityStates: (refs) => readEntityStates(log, refs),
    }),
    headPosition: () => readHead(log),
    listSnapshots: () => listSnapshots(log),
    lastSnapshot: () => lastSnapshot(log),
    findSnapshotBySha256: (sha256) => findSnapshotBySha256(log, sha256),
    countEntities: () => registrySide.countEntities(),
    subscribe: (handlers) => subscribe(log, handlers),
    close: () => client.dispose(),
  };
}
