import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { coveredEntities, coveredEntity, tempDir, writeSnapshot } from '../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../test/support/test-database.ts';
import { projectors as allProjectors } from './projectors.ts';
import { appendTestSnapshot } from './testing/append-test-snapshot.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../bin/opais.js', import.meta.url));

let database: Database;
const dir = tempDir();
const opais = (...args: string[]) => run(process.execPath, [cli, ...args], { env: envFor(database) });
/** Runs a command expected to fail; returns its exit code and output. */
const failing = (...args: string[]) =>
  opais(...args).then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

beforeAll(async () => {
  database = await createTestDatabase('cli');
  const day1 = coveredEntities(30);
  const day2 = [
    ...day1
      .slice(1)
      .map((entity) => (entity.id340B === 'DSH000002' ? { ...entity, name: 'RENAMED' } : entity)),
    coveredEntity('DSH000031', 31),
  ];
  await opais('ingest', writeSnapshot(dir, 'day1.json', day1), '--as-of', '2026-11-01T05:00:00Z');
  // Appended only; `opais project` catches up below.
  await opais(
    'ingest',
    writeSnapshot(dir, 'day2.json', day2),
    '--as-of',
    '2026-11-02T05:00:00Z',
    '--no-project',
  );
}, 120_000);
afterAll(() => database.close());

describe('the projection commands', () => {
  it('ingest projects; ingest --no-project leaves it to opais project, which reports every projector', async () => {
    const { rows } = await database.pool.query<{ position: number }>(
      'select distinct position from projector_checkpoints',
    );
    expect(rows).toHaveLength(1);
    const { stdout } = await opais('project', '--json');
    const { projectors } = JSON.parse(stdout);
    expect(projectors).toHaveLength(allProjectors.length);
    for (const projector of projectors) {
      expect(projector).toMatchObject({
        asOf: '2026-11-02T05:00:00.000Z',
        lagEvents: 0,
        lagSeconds: 0,
        error: null,
      });
      expect(projector.position).toBeGreaterThan(rows[0]?.position as number);
    }
  });

  it('opais history prints the entity\u2019s events and table versions', async () => {
    const { stdout } = await opais('history', 'DSH000002', '2');
    expect(stdout).toContain('coveredEntity-DSH000002.2');
    expect(stdout).toMatch(/CoveredEntityChanged {2}name/);
    expect(stdout).toMatch(/dim_ce: 2 version\(s\)/);
    expect(stdout).toMatch(/2026-11-02 05:00:00 → current {2}UPDATE {2}#\d+ {2}name="RENAMED"/);
    const json = JSON.parse((await opais('history', 'DSH000002', '2', '--json')).stdout);
    expect(json.tables.find((table: { table: string }) => table.table === 'dim_ce').versions).toHaveLength(2);
    expect(await failing('history', 'NOPE', '1')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/NOT_FOUND/),
    });
  });

  it('opais verify passes, then reports tampering with exit code 8; opais rebuild repairs it', async () => {
    expect((await opais('verify')).stdout).toMatch(/no drift/);
    await database.pool.query("update dim_npi set state = 'XX' where id340b = 'DSH000003'");
    const drift = await failing('verify');
    expect(drift.code).toBe(8);
    expect(drift.stdout).toMatch(/dim_npi: 1 row\(s\) only in the live table, 1 only in the replay/);
    expect(drift.stdout).toMatch(
      /- live {4}\{"id340b":"DSH000003","ce_id":"3","npi":"1215284153","state":"XX",/,
    );
    expect(drift.stderr).toMatch(/PROJECTION_DRIFT/);

    expect((await opais('rebuild')).stdout).toMatch(/rebuilt from 2 snapshot\(s\) and swapped in/);
    expect((await opais('verify')).stdout).toMatch(/no drift/);
  });

  it('opais project exits 7 when a projector is stopped, naming the event', async () => {
    // The ingest refuses an entity a projector cannot apply; a log written before that check can still hold one.
    await appendTestSnapshot(database.store, '2026-11-03T05:00:00Z', [
      {
        type: 'CoveredEntityRegistered',
        entity: coveredEntity('DSH000040', 40, { authorizingOfficial: { name: 42 } }),
      },
    ]);
    const project = await failing('project');
    expect(project.code).toBe(7);
    expect(project.stdout).toMatch(
      /dim_ce .*\n {2}STOPPED at event \d+: .*authorizingOfficial\.name must be a string/,
    );
    const ingest = await failing(
      'ingest',
      writeSnapshot(dir, 'day4.json', coveredEntities(31).slice(1)),
      '--as-of',
      '2026-11-04T05:00:00Z',
    );
    expect(ingest.code).toBe(7);
    expect(ingest.stderr).toMatch(
      /dim_ce stopped: event \d+ \(CoveredEntityRegistered of coveredEntity-DSH000040\.40\)/,
    );
  });
});
