import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { eventLog, runOpaisKillable } from './support/run-killable.ts';
import { coveredEntities, coveredEntity, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

/**
 * A backfill that dies anywhere (between files, inside one, during the
 * projections' catch-up) and is run again, as is, ends with exactly the
 * event log of an uninterrupted run: committed files are found applied by
 * their SHA-256, the file that was cut off is ingested whole. The CLI is
 * really killed (SIGKILL) at several moments, run after run.
 */
const dir = tempDir('opais-backfill-kill-');
const base = coveredEntities(8_000);
for (const n of [1, 2, 3, 4]) {
  writeSnapshot(dir, `OPA_CE_DAILY_PUBLIC-2026-03-0${n}.JSON`, [
    ...base
      .slice(n * 100)
      .map((entity, index) =>
        index % (20 + n) === 0 ? { ...entity, name: `RENAMED ${n} ${index}` } : entity,
      ),
    coveredEntity(`CH90000${n}`, 900_000 + n),
  ]);
}

let reference: Database;
let crashed: Database;
beforeAll(async () => {
  reference = await createTestDatabase('bfref');
  crashed = await createTestDatabase('bfkill');
});
afterAll(async () => {
  await reference.close();
  await crashed.close();
});

function runBackfill(database: Database, killAfterMs?: number) {
  return runOpaisKillable(['ingest', dir, '--json', '--allow-mass-removal'], envFor(database), killAfterMs);
}

describe('backfill killed with SIGKILL and run again', () => {
  it('ends with exactly the event log of an uninterrupted run', async () => {
    const uninterrupted = await runBackfill(reference);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);

    let killedMidway = 0;
    // Each run after a kill skips the files already committed, so it is shorter: kill early enough to land.
    for (const fraction of [0.08, 0.15, 0.22, 0.3, 0.4, 0.5]) {
      const run = await runBackfill(crashed, Math.round(uninterrupted.ms * fraction));
      if (run.signal === 'SIGKILL') killedMidway += 1;
      else expect(run.code, run.stderr).toBe(0);
    }
    const final = await runBackfill(crashed);
    expect(final.code, final.stderr).toBe(0);
    expect(killedMidway).toBeGreaterThanOrEqual(3);
    expect(await eventLog(crashed)).toEqual(await eventLog(reference));
    expect(await crashed.store.listSnapshots()).toHaveLength(4);
  }, 400_000);
});
