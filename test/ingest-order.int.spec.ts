import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { startApi } from './support/api-server.ts';
import { runOpais } from './support/run-opais.ts';
import { coveredEntities, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

/**
 * Concurrent ingests of different days (as the cloud path makes them: one
 * Lambda per object, retries in any order) apply in as-of order, whichever
 * takes the lock first; an export older than the head is recorded as out of
 * order (never silently dropped) and shown by opais status and the metrics.
 */
const dir = tempDir();
const day = (n: number) =>
  writeSnapshot(
    dir,
    `day${n}.json`,
    // Two days apart in 1 of 14 entities each: 14% changed, within the mass-change guard.
    coveredEntities(4000).map((entity, index) =>
      index % 14 === n ? { ...entity, name: `DAY ${n} NAME` } : entity,
    ),
  );
const asOf = (n: number) => `2026-08-0${n}T05:00:00Z`;
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase('order');
});
afterAll(() => database?.close());

function ingest(file: string, at: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/opais.js', 'ingest', file, '--as-of', at, '--no-project'], {
      env: envFor(database),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('ingests of different days at the same time', () => {
  it('apply in as-of order, whichever arrived first', async () => {
    const files = [day(2), day(3), day(4)];
    // The latest day starts first, the earliest last: arrival order is the reverse of as-of order.
    const runs = [
      ingest(files[2] as string, asOf(4)),
      new Promise((resolve) => setTimeout(resolve, 150)).then(() => ingest(files[1] as string, asOf(3))),
      new Promise((resolve) => setTimeout(resolve, 300)).then(() => ingest(files[0] as string, asOf(2))),
    ];
    const results = await Promise.all(runs);
    for (const result of results) expect(result.code, result.stderr).toBe(0);

    const applied = (await database.store.listSnapshots()).sort(
      (a, b) => a.globalPosition - b.globalPosition,
    );
    expect(applied.map((snapshot) => snapshot.asOf.toISOString())).toEqual(
      [2, 3, 4].map((n) => new Date(asOf(n)).toISOString()),
    );
    const { rows: inbox } = await database.pool.query<{ state: string }>(
      'select state from export_inbox order by as_of',
    );
    expect(inbox.map((row) => row.state)).toEqual(['applied', 'applied', 'applied']);
  }, 120_000);

  it('record an export older than the head as out of order, shown by status and metrics', async () => {
    const late = await ingest(day(1), asOf(1));
    expect(late.code).toBe(4);
    expect(late.stderr).toContain('recorded as out of order');

    const status = await runOpais(['status', '--json'], envFor(database));
    expect(JSON.parse(status.stdout).exportsOutOfOrder).toMatchObject({
      count: 1,
      latest: [
        {
          source: `${dir}/day1.json`,
          asOf: new Date(asOf(1)).toISOString(),
          headAsOf: new Date(asOf(4)).toISOString(),
        },
      ],
    });
    const text = await runOpais(['status'], envFor(database));
    expect(text.stdout).toContain('exports out of order: 1 NOT APPLIED');

    const api = await startApi(database);
    try {
      const metrics = await api.get('/metrics');
      expect(metrics.body).toMatch(/^opais_exports_out_of_order 1$/m);
    } finally {
      await api.close();
    }
  });
});
