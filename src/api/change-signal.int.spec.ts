import { afterEach, describe, expect, it } from 'vitest';
import { createPool } from '../db/open-database.ts';
import { registeredEvent } from '../events/entity-events.ts';
import type { EventStore } from '../store/event-store.ts';
import { openEventStore } from '../store/open-event-store.ts';
import { testSnapshot } from '../store/testing/test-snapshot.ts';
import { type ChangeSignal, createChangeSignal } from './change-signal.ts';

let signal: ChangeSignal | undefined;
afterEach(() => signal?.close());

async function waitUntil(check: () => boolean, timeoutMs: number) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function commitOne(store: EventStore, day: number) {
  const asOf = new Date(Date.UTC(2026, 0, day));
  const session = await store.beginIngest({ asOf });
  await session.append([
    registeredEvent({ id340B: `A${day}`, ceId: day, streamVersion: 1 }, 'h', Buffer.from('{}')),
  ]);
  await session.commit(testSnapshot(asOf, `sha-${day}`));
}

describe('change signal', () => {
  it('wakes a waiter on a commit, long before its poll interval', async () => {
    const store = await openEventStore({ backend: 'memory' });
    signal = createChangeSignal({ subscribe: store.subscribe, listeningPollIntervalMs: 60_000 });
    const abort = new AbortController();
    void signal.wait(signal.version, abort.signal);
    await waitUntil(() => signal?.listening === true, 5000);

    const seen = signal.version;
    const started = Date.now();
    const woken = signal.wait(seen, abort.signal);
    await commitOne(store, 1);
    await woken;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(signal.version).toBeGreaterThan(seen);
  });

  it('does not wait when a commit came after the version the waiter saw', async () => {
    const store = await openEventStore({ backend: 'memory' });
    signal = createChangeSignal({ subscribe: store.subscribe, listeningPollIntervalMs: 60_000 });
    const abort = new AbortController();
    void signal.wait(signal.version, abort.signal);
    await waitUntil(() => signal?.listening === true, 5000);
    const started = Date.now();
    await signal.wait(signal.version - 1, abort.signal);
    // Waiting would take the 60 s poll interval; a second leaves room for a busy machine's pauses.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('falls back to polling when it cannot listen, and stops waiting on abort', async () => {
    const unreachable = 'postgres://postgres@127.0.0.1:1/none';
    const pool = createPool(unreachable, 'none');
    const store = await openEventStore({
      backend: 'postgres',
      postgres: { pool, connectionString: unreachable },
    });
    signal = createChangeSignal({ subscribe: store.subscribe, pollIntervalMs: 100, reconnectDelayMs: 50 });
    const abort = new AbortController();
    const started = Date.now();
    await signal.wait(signal.version, abort.signal);
    expect(signal.listening).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);

    const waiting = signal.wait(signal.version, abort.signal);
    abort.abort();
    await waiting;
    await pool.end();
  });
});
