import type pg from 'pg';
import type { EventStore } from '../event-store.ts';
import { createRegistrySide } from '../postgres/registry-side.ts';
import { connectKurrentDb } from './connect.ts';
import { createKurrentDbEventStore } from './kurrentdb-event-store.ts';

/** The KurrentDB store of EVENTSTORE_CONNECTION_STRING, its registry and lock in the pool's schema. */
export async function openKurrentDbEventStore(
  connectionString: string | undefined,
  pool: pg.Pool,
): Promise<EventStore> {
  const client = await connectKurrentDb(connectionString);
  return createKurrentDbEventStore({ client, namespace: '' }, createRegistrySide(pool));
}
