import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpais } from '../../../test/support/run-opais.ts';
import { createTestDatabase, testDatabaseUrl } from '../../../test/support/test-database.ts';
import { isTransientDatabaseError } from '../../db/database-errors.ts';
import { freePort } from '../../free-port.ts';
import { describeIngestRules } from '../../ingest/testing/describe-ingest-rules.ts';
import { createRegistrySide } from '../postgres/registry-side.ts';
import { describeEventStore, type EventStoreFactory } from '../testing/describe-event-store.ts';
import { connectKurrentDb } from './connect.ts';
import { createKurrentDbEventStore } from './kurrentdb-event-store.ts';
import { readHead } from './read-log.ts';
import { isKurrentDbUnavailable } from './unavailable.ts';

/**
 * The contract suite against a real KurrentDB (or EventStoreDB 23+) server
 * when EVENTSTORE_CONNECTION_STRING names one, e.g. the compose file's node:
 * `docker compose --profile kurrentdb up -d kurrentdb` and
 * `EVENTSTORE_CONNECTION_STRING=kurrentdb://127.0.0.1:2113?tls=false npm test`.
 * Each case gets a log of its own on that server (its streams under a
 * namespace) and a PostgreSQL schema of its own for the registry.
 */
const server = process.env.EVENTSTORE_CONNECTION_STRING;

const factory: EventStoreFactory | undefined = server
  ? async () => {
      const database = await createTestDatabase('kurrent');
      const client = await connectKurrentDb(server);
      const store = createKurrentDbEventStore(
        { client, namespace: `${database.schema}-` },
        createRegistrySide(database.pool),
      );
      return {
        store,
        async dispose() {
          await store.close();
          await database.close();
        },
      };
    }
  : undefined;

const skipReason = 'no KurrentDB server configured';
// Said where CI's log shows it: a reporter that lists only counts would otherwise hide why these cases skipped.
if (!factory) {
  process.stderr.write(
    `skipping the KurrentDB contract suite and ingest rules: ${skipReason} (set EVENTSTORE_CONNECTION_STRING)\n`,
  );
}
describeEventStore('kurrentdb', factory ?? { skip: skipReason });
// The ingest rules (duplicates taken back, guards, counts) exercise the KurrentDB session where a server is.
if (factory) describeIngestRules('kurrentdb', factory);

describe('EVENT_STORE=kurrentdb without a server', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase('kurrent');
  });
  afterAll(() => database.close());
  const env = (extra: NodeJS.ProcessEnv) => ({
    PATH: process.env.PATH,
    DATABASE_URL: testDatabaseUrl,
    OPAIS_SCHEMA: database.schema,
    EVENT_STORE: 'kurrentdb',
    ...extra,
  });

  it('stops with EVENT_STORE_UNAVAILABLE (exit 12) when no connection string is set', async () => {
    const run = await runOpais(['status'], env({}));
    expect(run.code).toBe(12);
    expect(run.stderr).toMatch(
      /EVENT_STORE_UNAVAILABLE: EVENT_STORE=kurrentdb needs EVENTSTORE_CONNECTION_STRING/,
    );
  });

  it('stops with EVENT_STORE_UNAVAILABLE (exit 12) when the server does not answer, hiding the password', async () => {
    const port = await freePort();
    const run = await runOpais(
      ['status'],
      env({ EVENTSTORE_CONNECTION_STRING: `esdb://admin:hunter2@127.0.0.1:${port}?tls=false` }),
    );
    expect(run.code).toBe(12);
    expect(run.stderr).toContain(
      `EVENT_STORE_UNAVAILABLE: KurrentDB at kurrentdb://admin:***@127.0.0.1:${port}?tls=false cannot be reached`,
    );
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('is named by opais status, which shows postgres when EVENT_STORE is unset', async () => {
    const { EVENT_STORE: _, ...postgres } = env({});
    const run = await runOpais(['status', '--json'], postgres);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).eventStore).toEqual({ kind: 'postgres' });
    expect((await runOpais(['status'], postgres)).stdout).toContain('event store: postgres\n');
  });

  it('counts a read that finds no server as the store being away: retried by the projectors', async () => {
    const client = KurrentDBClient.connectionString(`kurrentdb://127.0.0.1:${await freePort()}?tls=false`);
    const failure = await readHead({ client, namespace: '' }).catch((error: unknown) => error);
    await client.dispose();
    expect(isKurrentDbUnavailable(failure)).toBe(true);
    expect(isTransientDatabaseError(failure)).toBe(true);
    expect(isKurrentDbUnavailable(new Error('unavailable'))).toBe(false);
    expect(isKurrentDbUnavailable(null)).toBe(false);
  });

  it('connects to nothing that is not a KurrentDB connection string', async () => {
    await expect(connectKurrentDb('postgres://127.0.0.1/x')).rejects.toMatchObject({
      code: 'EVENT_STORE_UNAVAILABLE',
    });
  });
});
