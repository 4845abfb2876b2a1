import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { EventStore } from '../event-store.ts';
import { beginIngest } from './begin-ingest.ts';
import { findSnapshotBySha256, lastSnapshot, listSnapshots } from './list-snapshots.ts';
import { readAll } from './read-all.ts';
import { readEntityChanges } from './read-entity-changes.ts';
import { readHead } from './read-log.ts';
import { readStream } from './read-stream.ts';
import type { RegistrySide } from './registry-side.ts';
import { subscribe } from './subscribe.ts';

/**
 * The event log in KurrentDB (or EventStoreDB 23+), the registry and the
 * ingest lock in PostgreSQL (docs/architecture.md, "KurrentDB backend").
 * The client is the store's own: close() disposes of it.
 */
export function createKurrentDbEventStore(client: KurrentDBClient, registrySide: RegistrySide): EventStore {
  return {
    kind: 'kurrentdb',
    beginIngest: (options) => beginIngest(client, registrySide, options),
    readAll: (options) => readAll(client, options),
    readEntityChanges: (range, options) => readEntityChanges(client, range, options),
    readStream: (streamId, options) => readStream(client, streamId, options),
    headPosition: () => readHead(client),
    listSnapshots: () => listSnapshots(client),
    lastSnapshot: () => lastSnapshot(client),
    findSnapshotBySha256: (sha256) => findSnapshotBySha256(client, sha256),
    subscribe: (handlers) => subscribe(client, handlers),
    close: () => client.dispose(),
  };
}
