import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { coveredEntity } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../test/support/test-database.ts';
import { appendTestSnapshot, type TestEvent } from './testing/append-test-snapshot.ts';
import { verifyProjections } from './verify-projections.ts';

const cli = fileURLToPath(new URL('../bin/opais.js', import.meta.url));
const snapshots = 10;
const entities = 300;

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase('crash');
  // Every snapshot changes every entity's contracts (and so dim_pharmacy), so each
  // projection transaction writes thousands of rows and lasts long enough to be killed in.
  for (let day = 1; day <= snapshots; day++) {
    const events: TestEvent[] = Array.from({ length: entities }, (_, index) => ({
      type: day === 1 ? 'CoveredEntityRegistered' : 'CoveredEntityChanged',
      entity: coveredEntity(`DSH${String(index).padStart(6, '0')}`, index, {
        name: `DAY ${day % 3} ${index}`,
        contractPharmacies: Array.from({ length: 8 }, (_, contract) => ({
          contractId: index * 100 + ((contract + day) % 10),
          pharmacyId: (index + contract) % 300,
          name: `PHARMACY ${day % 4}`,
          editDate: `2024-01-${String(1 + ((index + day + contract) % 28)).padStart(2, '0')}T00:00:00.1234567`,
        })),
      }),
    }));
    await appendTestSnapshot(database.store, `2026-11-${String(day).padStart(2, '0')}T05:00:00Z`, events);
  }
}, 120_000);
afterAll(async () => {
  await database.close();
});

function runProject(applicationName: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, 'project'], {
    env: { ...envFor(database), PGAPPNAME: applicationName },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited };
}

/** True once the child's connection is inside a transaction that has written rows. */
async function writingTransaction(applicationName: string): Promise<boolean> {
  const { rows } = await database.pool.query(
    'select 1 from pg_stat_activity where application_name = $1 and backend_xid is not null',
    [applicationName],
  );
  return rows.length > 0;
}

async function positions(): Promise<number[]> {
  const { rows } = await database.pool.query<{ position: number }>(
    'select position from projector_checkpoints order by projector',
  );
  return rows.map((row) => row.position);
}

describe('opais project killed with SIGKILL', () => {
  it('resumes where it stopped, and the tables equal an uninterrupted run', async () => {
    const boundaries = await snapshotPositions();
    const head = boundaries.at(-1) as number;
    // Kill inside a writing transaction at several points: in the first snapshot, then further along.
    for (const reached of [0, 3, 6]) {
      const name = `opais-crash-${randomBytes(3).toString('hex')}`;
      const { child, exited } = runProject(name);
      const target = reached === 0 ? 0 : (boundaries[reached - 1] as number);
      while (!(Math.min(...(await positions())) >= target && (await writingTransaction(name)))) {
        if (child.exitCode !== null) throw new Error('opais project finished before it could be killed');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill('SIGKILL');
      expect(await exited).toBeNull();
      // Every checkpoint sits on a snapshot boundary, short of the end.
      const killed = await positions();
      for (const position of killed) expect([0, ...boundaries]).toContain(position);
      expect(Math.min(...killed)).toBeLessThan(head);
    }

    const { exited } = runProject('opais-crash-final');
    expect(await exited).toBe(0);
    expect(new Set(await positions())).toEqual(new Set([head]));
    const verified = await verifyProjections(database);
    expect(verified.tables).toEqual([]);
    expect(verified.ok).toBe(true);
  }, 180_000);
});

async function snapshotPositions(): Promise<number[]> {
  return (await database.store.listSnapshots()).map((snapshot) => snapshot.globalPosition);
}
