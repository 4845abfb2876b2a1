import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChangeScenario } from '../../../test/support/change-scenario.ts';
import { runOpais } from '../../../test/support/run-opais.ts';
import { createTestDatabase, envFor } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';

let database: Database;
const opais = (...args: string[]) => runOpais(args, envFor(database));

beforeAll(async () => {
  database = await createTestDatabase('cli_changes');
  await loadChangeScenario(database);
});
afterAll(async () => {
  await database?.close();
});

describe('opais changes', () => {
  it("prints a snapshot's changes readably: before → after per field, members added, removed and changed", async () => {
    const { code, stdout, stderr } = await opais('changes', '--as-of', '2026-11-02');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('Changes of the snapshot as of 2026-11-02T05:00:00.000Z');
    expect(stdout).toMatch(/changed\s+DSH000001 \/ 1 {2}GENERAL HOSPITAL \(DSH, MA\)/);
    expect(stdout).toContain('    streetAddress.zip: 02110 → 02115');
    expect(stdout).toContain('    contractPharmacies: 2 added, 1 changed');
    expect(stdout).toContain('      + contract 13: PHARMACY 777, SALEM MA (pharmacy 777; begin 2015-07-01)');
    expect(stdout).toContain('      ~ contract 11\n          terminationDate: — → 2026-11-01T00:00:00');
    expect(stdout).toContain('      + 1999999999 (MA)');
    expect(stdout).toContain('      − 0123 (MA)');
    expect(stdout).toContain('    participating: TRUE → FALSE');
    expect(stdout).toMatch(/removed\s+DSH000003 \/ 3 {2}LEAVING HOSPITAL \(DSH, MA\) \(last known\)/);
    expect(stdout).toMatch(/registered\s+CAH000005 \/ 5 {2}MOUNTAIN CRITICAL ACCESS \(CAH, GA\)/);
  });

  it('filters by path and 340B id, reads from a position with --since, prints JSON lines with --json', async () => {
    const byPath = await opais('changes', '--as-of', '2026-11-02', '--path', 'contractPharmacies');
    expect(byPath.stdout).toContain('DSH000001');
    expect(byPath.stdout).not.toContain('DSH000002');

    const json = await opais('changes', '--since', '0', '--id340B', 'DSH000001', '--json');
    const items = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(items.map((item) => item.type)).toEqual([
      'CoveredEntityRegistered',
      'CoveredEntityChanged',
      'CoveredEntityChanged',
    ]);
    expect(items[2].changes).toEqual([
      expect.objectContaining({ path: 'contractPharmacies', added: [], changed: [] }),
    ]);

    const both = await opais('changes', '--as-of', '2026-11-02', '--since', '3');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('INVALID_ARGUMENT');
    const none = await opais('changes', '--as-of', '2020-01-01');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('NOT_FOUND');
  });
});

describe('opais report', () => {
  it('prints the latest snapshot as text by default, and writes any format to --out', async () => {
    const text = await opais('report');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('OPAIS morning report — snapshot as of 2026-11-03T05:00:00.000Z');

    const dir = mkdtempSync(path.join(tmpdir(), 'opais-report-'));
    const file = path.join(dir, 'report.json');
    const written = await opais('report', '--as-of', '2026-11-02', '--format', 'json', '--out', file);
    expect(written.code).toBe(0);
    expect(written.stderr).toContain(`to ${file}`);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.counts.byKind).toEqual({ registered: 1, changed: 2, removed: 1, total: 4 });

    const md = await opais('report', '--as-of', '2026-11-02', '--format', 'md');
    expect(md.stdout).toContain('| DSH000002 | 2 | CITY CLINIC | participating | TRUE → FALSE |');
    const bad = await opais('report', '--format', 'pdf');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('pdf');
  });
});
