import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { type ChangeSignal, createChangeSignal } from './change-signal.ts';

const channel = `opais_test_${process.pid}`;
let signal: ChangeSignal | undefined;
afterEach(() => signal?.close());

async function waitUntil(check: () => boolean, timeoutMs: number) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('change signal', () => {
  it('wakes a waiter on NOTIFY, long before its poll interval', async () => {
    signal = createChangeSignal({
      connectionString: testDatabaseUrl,
      channel,
      listeningPollIntervalMs: 60_000,
    });
    const abort = new AbortController();
    void signal.wait(signal.version, abort.signal);
    await waitUntil(() => signal?.listening === true, 5000);

    const seen = signal.version;
    const started = Date.now();
    const woken = signal.wait(seen, abort.signal);
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    await client.query('select pg_notify($1, $2)', [channel, '42']);
    await client.end();
    await woken;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(signal.version).toBeGreaterThan(seen);
  });

  it('does not wait when a notification came after the version the waiter saw', async () => {
    signal = createChangeSignal({
      connectionString: testDatabaseUrl,
      channel,
      listeningPollIntervalMs: 60_000,
    });
    const abort = new AbortController();
    void signal.wait(signal.version, abort.signal);
    await waitUntil(() => signal?.listening === true, 5000);
    const started = Date.now();
    await signal.wait(signal.version - 1, abort.signal);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('falls back to polling when it cannot listen, and stops waiting on abort', async () => {
    signal = createChangeSignal({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      channel,
      pollIntervalMs: 100,
      reconnectDelayMs: 50,
    });
    const abort = new AbortController();
    const started = Date.now();
    await signal.wait(signal.version, abort.signal);
    expect(signal.listening).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);

    const waiting = signal.wait(signal.version, abort.signal);
    abort.abort();
    await waiting;
  });
});
