import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSeries } from '../../../test/support/ingest-series.ts';
import { logOf } from '../../../test/support/log-of.ts';
import { runOpais } from '../../../test/support/run-opais.ts';
import { createTestDatabase, testDatabaseUrl } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';

describe('opais copy-events', () => {
  let source: Database;
  let target: Database;
  let days: number;
  const env = (schema: string) => ({
    PATH: process.env.PATH,
    DATABASE_URL: testDatabaseUrl,
    OPAIS_SCHEMA: schema,
  });

  beforeAll(async () => {
    source = await createTestDatabase('cpsrc');
    target = await createTestDatabase('cpdst');
    days = await ingestSeries(source.store, { seed: 'copy-cli', entities: 150, days: 14, editRate: 0.1 });
  }, 180_000);
  afterAll(async () => {
    await target.close();
    await source.close();
  });

  it('copies a log to another schema, resumes after the copy is killed, and verify then finds no drift', async () => {
    const child = spawn(
      process.execPath,
      ['bin/opais.js', 'copy-events', '--from', 'postgres', '--to', `postgres:${target.schema}`],
      { env: env(source.schema), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = once(child, 'exit');
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('copied snapshot as of ')) break;
    }
    child.kill('SIGKILL');
    expect((await exited)[1]).toBe('SIGKILL');
    const copiedBeforeKill = (await target.store.listSnapshots()).length;
    expect(copiedBeforeKill).toBeGreaterThanOrEqual(1);
    expect(copiedBeforeKill).toBeLessThan(days);

    const resumed = await runOpais(
      ['copy-events', '--from', 'postgres', '--to', `postgres:${target.schema}`],
      env(source.schema),
    );
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`done: ${days - copiedBeforeKill} snapshot(s)`);
    expect(resumed.stdout).toContain(`; ${copiedBeforeKill} snapshot(s) were there already`);
    expect(await logOf(target.store)).toEqual(await logOf(source.store));

    expect((await runOpais(['project'], env(target.schema))).code).toBe(0);
    const verified = await runOpais(['verify'], env(target.schema));
    expect(verified.stdout).toContain('no drift');
    expect(verified.code).toBe(0);
  }, 180_000);

  it('refuses to copy a schema onto itself, and an unknown store', async () => {
    const same = await runOpais(
      ['copy-events', '--from', 'postgres', '--to', `postgres:${source.schema}`],
      env(source.schema),
    );
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/INVALID_ARGUMENT: --from and --to both use schema/);
    const unknown = await runOpais(
      ['copy-events', '--from', 'postgres', '--to', 'mysql:x'],
      env(source.schema),
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/not a store: mysql:x/);
  });
});
