import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpais } from '../../test/support/run-opais.ts';
import {
  coveredEntities,
  coveredEntity,
  tempDir,
  writeSnapshot,
} from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { entityEventTypes, type StoredEvent } from '../events/event-types.ts';
import { freePort } from '../free-port.ts';
import { ingestSnapshot } from '../ingest/ingest-snapshot.ts';
import { fileSource } from '../source/file-source.ts';

interface Received {
  at: number;
  status: number;
  eventIds: string[];
  positions: number[];
  signatureValid: boolean;
}

/**
 * A real receiver on 127.0.0.1 that checks every signature (as docs/webhooks.md shows) and answers as
 * `answer` says for the n-th request (counted from 1); every request is logged, whatever the answer.
 */
class Receiver {
  readonly log: Received[] = [];
  private server: Server | undefined;
  port = 0;
  readonly secret: string;
  private readonly answer: (n: number) => {
    status: number;
    delayMs?: number;
    headers?: Record<string, string>;
  };

  constructor(secret: string, answer: Receiver['answer']) {
    this.secret = secret;
    this.answer = answer;
  }

  async start(port?: number): Promise<void> {
    this.port = port ?? (await freePort());
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = this.answer(this.log.length + 1);
      const items = JSON.parse(body).items as { eventId: string; position: number }[];
      this.log.push({
        at: Date.now(),
        status: answer.status,
        eventIds: items.map((item) => item.eventId),
        positions: items.map((item) => item.position),
        signatureValid: verify(this.secret, String(request.headers['opais-signature']), body),
      });
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(answer.status, answer.headers).end();
      }, answer.delayMs ?? 0);
    });
  }

  /** Each event id once, in the order first received with a 2xx or an unknown outcome. */
  firstDeliveries(): string[] {
    const seen = new Set<string>();
    for (const entry of this.log) for (const id of entry.eventIds) seen.add(id);
    return [...seen];
  }
}

/** The receiver's check, as in docs/webhooks.md: HMAC-SHA256 of `t.body`, constant-time compare, at most 5 minutes old. */
function verify(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2)));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

const dir = tempDir('opais-webhooks-');
let database: Database;
const tn = (entity: Record<string, unknown>): Record<string, unknown> => ({
  ...entity,
  streetAddress: { addressLine1: '1 Main St', city: 'NASHVILLE', state: 'TN', zip: '37201' },
});
/** Day n: 40 entities, the first 8 in Tennessee; a few renamed each day, one removed on day 3, one new each day. */
function day(n: number) {
  return coveredEntities(40)
    .map((entity, index) => (index < 8 ? tn(entity) : entity))
    .filter((entity) => !(n >= 3 && entity.ceId === 2))
    .map((entity) => (Number(entity.ceId) % 6 === n % 6 ? { ...entity, name: `RENAMED ${n}` } : entity))
    .concat([coveredEntity(`CH9${n}`, 9000 + n)]);
}
async function ingestDay(n: number) {
  await ingestSnapshot({
    store: database.store,
    source: fileSource(writeSnapshot(dir, `day${n}.json`, day(n))),
    asOf: new Date(Date.UTC(2026, 2, n, 5)),
    allowMassRemoval: true,
    allowMassChange: true,
  });
}

/** Entity events in log order, read through the store: what each subscriber must get. */
async function expectedEvents(wanted: (event: StoredEvent) => boolean = () => true): Promise<string[]> {
  const events = await database.store.readAll({ types: entityEventTypes, limit: 1_000_000 });
  return events.filter(wanted).map((event) => event.eventId);
}

function startWorker(): ChildProcess {
  return spawn(
    process.execPath,
    [
      'bin/opais.js',
      'deliver',
      '--poll-interval',
      '100',
      '--timeout',
      '1000',
      '--batch',
      '7',
      '--backoff',
      '150',
      '--max-backoff',
      '1500',
      '--failing-after',
      '3',
    ],
    { env: envFor(database), stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
function kill(worker: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (worker.exitCode !== null) resolve();
    worker.once('exit', () => resolve());
    worker.kill('SIGKILL');
  });
}
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function addSubscription(url: string, secret: string, filter?: string): Promise<number> {
  const run = await runOpais(
    [
      'subscriptions',
      'add',
      '--url',
      url,
      '--secret',
      secret,
      '--from',
      '0',
      '--json',
      ...(filter ? ['--filter', filter] : []),
    ],
    envFor(database),
  );
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout).id;
}

async function listed() {
  const run = await runOpais(['subscriptions', 'list', '--json'], envFor(database));
  return JSON.parse(run.stdout).items as {
    id: number;
    status: string;
    cursor: number;
    deliveries: { outcome: string; attempt: number; latencyMs: number; httpStatus: number | null }[];
    failuresTotal: number;
  }[];
}

beforeAll(async () => {
  database = await createTestDatabase('hooks');
});
afterAll(async () => {
  await database.close();
});

describe('opais deliver: signed change webhooks to real receivers, with the worker killed and restarted', () => {
  it('delivers every matching change in order per subscription, none lost, duplicates only of the same event id', async () => {
    const flaky = new Receiver('flaky-secret-0123456789', (n) =>
      n <= 3 ? { status: 500 } : n === 5 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 },
    );
    const down = new Receiver('down-secret-0123456789', () => ({ status: 204 }));
    const slow = new Receiver('slow-secret-0123456789', (n) => ({
      status: 200,
      delayMs: n === 2 ? 1600 : 250,
    }));
    const filtered = new Receiver('filter-secret-0123456789', () => ({ status: 200 }));
    await flaky.start();
    await slow.start();
    await filtered.start();
    down.port = await freePort(); // nothing listens there yet

    const ids = {
      flaky: await addSubscription(flaky.url, flaky.secret),
      down: await addSubscription(down.url, down.secret),
      slow: await addSubscription(slow.url, slow.secret),
      filtered: await addSubscription(filtered.url, filtered.secret, 'state=TN,path=name'),
    };
    const refused = await runOpais(
      ['subscriptions', 'add', '--url', 'ftp://example.org/x'],
      envFor(database),
    );
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('INVALID_ARGUMENT')]);
    const badFilter = await runOpais(
      ['subscriptions', 'add', '--url', flaky.url, '--filter', 'colour=red'],
      envFor(database),
    );
    expect(badFilter.stderr).toContain('FILTER_INVALID');

    await ingestDay(1);
    let worker = startWorker();
    let kills = 0;
    for (const n of [2, 3, 4, 5]) {
      await wait(700 + 300 * n);
      await kill(worker);
      kills += 1;
      await ingestDay(n);
      worker = startWorker();
      if (n === 3) {
        // the down receiver has failed 3 times in a row by now: marked failing, not dropped
        await expect
          .poll(async () => (await listed()).find((s) => s.id === ids.down)?.status, { timeout: 15_000 })
          .toBe('failing');
      }
    }
    await down.start(down.port);

    const all = await expectedEvents();
    const filteredIds = new Set(Array.from({ length: 8 }, (_, i) => `DSH${String(i + 1).padStart(6, '0')}`));
    const tennessee = await expectedEvents(
      (event) =>
        (event.type !== 'CoveredEntityChanged' || event.data.changedPaths.includes('name')) &&
        filteredIds.has((event.data as { id340B: string }).id340B),
    );
    await expect
      .poll(() => [flaky, down, slow, filtered].map((receiver) => receiver.firstDeliveries().length), {
        timeout: 60_000,
        interval: 250,
      })
      .toEqual([all.length, all.length, all.length, tennessee.length]);
    // and every cursor moves past the last change, wanted or not
    const lastChange = (await database.store.readAll({ types: entityEventTypes, limit: 1_000_000 })).at(
      -1,
    )?.globalPosition;
    await expect
      .poll(async () => (await listed()).map((s) => s.cursor), { timeout: 15_000 })
      .toEqual([lastChange, lastChange, lastChange, lastChange]);
    await kill(worker);

    expect(kills).toBe(4);
    for (const [receiver, expected] of [
      [flaky, all],
      [down, all],
      [slow, all],
      [filtered, tennessee],
    ] as const) {
      expect(receiver.firstDeliveries()).toEqual(expected);
      expect(receiver.log.every((entry) => entry.signatureValid)).toBe(true);
      // in order: each request's positions ascend, and a request never starts before an acknowledged one ended
      for (const entry of receiver.log)
        expect(entry.positions).toEqual([...entry.positions].sort((a, b) => a - b));
    }
    expect(tennessee.length).toBeGreaterThan(8);
    expect(tennessee.length).toBeLessThan(all.length / 3);

    // failures and Retry-After: the flaky receiver's 429 asked for 2 s
    expect(flaky.log.slice(0, 3).map((entry) => entry.status)).toEqual([500, 500, 500]);
    const after429 = flaky.log[5];
    expect(after429 && after429.at - (flaky.log[4]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
    // the slow receiver's second request outlived the timeout: its changes came again, with the same event ids
    expect(slow.log[2]?.eventIds.slice(0, slow.log[1]?.eventIds.length)).toEqual(slow.log[1]?.eventIds);

    const subscriptions = await listed();
    for (const subscription of subscriptions) expect(subscription.status).toBe('active');
    const flakyListed = subscriptions.find((s) => s.id === ids.flaky);
    // an attempt answered while the worker was being killed may go unrecorded: at most the refusals seen
    expect(flakyListed?.failuresTotal).toBeGreaterThan(0);
    expect(flakyListed?.failuresTotal).toBeLessThanOrEqual(
      flaky.log.filter((entry) => entry.status >= 300).length,
    );
    expect(flakyListed?.deliveries[0]).toMatchObject({
      outcome: 'delivered',
      httpStatus: 200,
      latencyMs: expect.any(Number),
    });
    const human = await runOpais(['subscriptions', 'list'], envFor(database));
    expect(human.stdout).toMatch(
      /104 changes in \d+ deliveries, \d failed attempts\n.*Z {2}delivered attempt 1 {2}\d+ change\(s\) \d+\.\.\d+ {2}200 {2}\d+ ms/,
    );

    await Promise.all([flaky.stop(), down.stop(), slow.stop(), filtered.stop()]);
  }, 240_000);
});
