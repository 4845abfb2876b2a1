import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { readWholeLog } from '../src/store/testing/read-whole-log.ts';
import { coveredEntities, coveredEntity, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

/**
 * docs/data-contract.md#ingest-rules: an ingest that dies anywhere and is run again ends with exactly
 * the events of an uninterrupted run. The CLI is really killed (SIGKILL) at
 * several moments of its run, then run to the end.
 */
const dir = tempDir();
const day0 = writeSnapshot(dir, 'day0.json', coveredEntities(15_000));
const day1 = writeSnapshot(dir, 'day1.json', [
  ...coveredEntities(15_000)
    .slice(300)
    .map((entity, index) => (index % 50 === 0 ? { ...entity, name: `RENAMED ${index}` } : entity)),
  coveredEntity('CH900001', 900_001),
]);
const days: Array<[string, string]> = [
  [day0, '2026-03-01T05:00:00Z'],
  [day1, '2026-03-02T05:00:00Z'],
];

let reference: Database;
let crashed: Database;

beforeAll(async () => {
  reference = await createTestDatabase('ref');
  crashed = await createTestDatabase('kill');
});
afterAll(async () => {
  await reference.close();
  await crashed.close();
});

function runIngest(database: Database, file: string, asOf: string, killAfterMs?: number) {
  const child = spawn(process.execPath, ['bin/opais.js', 'ingest', file, '--as-of', asOf, '--json'], {
    env: envFor(database),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const started = performance.now();
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }>(
    (resolve) => {
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, ms: performance.now() - started, stderr });
      });
    },
  );
}

/** The log without what differs between runs: positions, commit times and how long an ingest took. */
async function eventLog(database: Database) {
  return (await readWholeLog(database.store)).map(({ globalPosition: _, recordedAt: __, ...event }) => {
    const { durationMs: ___, ...data } = event.data as { durationMs?: number };
    return { ...event, data };
  });
}

describe('ingest killed with SIGKILL and run again', () => {
  it('ends with exactly the events of an uninterrupted run', async () => {
    const durations: number[] = [];
    for (const [file, asOf] of days) {
      const run = await runIngest(reference, file, asOf);
      expect(run.code, run.stderr).toBe(0);
      durations.push(run.ms);
    }

    let killedMidway = 0;
    for (const [index, [file, asOf]] of days.entries()) {
      for (const fraction of [0.2, 0.45, 0.7, 0.9]) {
        const run = await runIngest(crashed, file, asOf, Math.round((durations[index] as number) * fraction));
        if (run.signal === 'SIGKILL') killedMidway += 1;
      }
      const final = await runIngest(crashed, file, asOf);
      expect(final.code, final.stderr).toBe(0);
    }
    expect(killedMidway).toBeGreaterThanOrEqual(4);
    expect(await eventLog(crashed)).toEqual(await eventLog(reference));
  }, 240_000);
});
