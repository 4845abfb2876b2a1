import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSnapshots } from './generate-snapshots.ts';
import { generateSeries, readSeriesManifest } from './write-series.ts';

const run = promisify(execFile);
const directories: string[] = [];
const scratch = async () => {
  const directory = await mkdtemp(join(tmpdir(), 'opais-series-'));
  directories.push(directory);
  return directory;
};
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe('generateSeries', () => {
  it('streams each day to a file, byte-identical for the same seed, and lists them in manifest.json', async () => {
    const options = { seed: 42, entities: 400, days: 3 };
    const [first, second] = [await scratch(), await scratch()];
    const manifest = await generateSeries({ ...options, out: first });
    await generateSeries({ ...options, out: second });

    expect((await readdir(first)).sort()).toEqual([
      'OPA_CE_DAILY_PUBLIC-2026-11-01.JSON',
      'OPA_CE_DAILY_PUBLIC-2026-11-02.JSON',
      'OPA_CE_DAILY_PUBLIC-2026-11-03.JSON',
      'manifest.json',
    ]);
    expect(await readSeriesManifest(first)).toEqual(manifest);
    const snapshots = generateSnapshots(options);
    for (const [index, day] of manifest.days.entries()) {
      const bytes = await readFile(join(first, day.file));
      expect(bytes.equals(await readFile(join(second, day.file)))).toBe(true);
      expect(day.bytes).toBe(bytes.length);
      expect(day.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const snapshot = snapshots[index];
      expect(day).toMatchObject({ asOf: snapshot?.asOf, expected: snapshot?.expected });
      expect(JSON.parse(bytes.toString('utf8')).coveredEntities).toEqual(snapshot?.coveredEntities);
    }
  });

  it('is driven from the command line, minified and with a BOM on request', async () => {
    const out = await scratch();
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/generator/generate-series.ts',
        '--out',
        out,
        '--entities',
        '120',
        '--days',
        '2',
        '--seed',
        '7',
        '--minified',
        '--bom',
      ],
      { cwd: join(import.meta.dirname, '../..') },
    );
    expect(stdout).toContain('2 files');
    const manifest = await readSeriesManifest(out);
    expect(manifest.format).toEqual({ minified: true, bom: true, rootMembers: true });
    const text = await readFile(join(out, manifest.days[1]?.file as string), 'utf8');
    expect(text.startsWith('\uFEFF{"exportDate":"2026-11-02T05:00:00.000","coveredEntities":[{')).toBe(true);
    expect(text.trimEnd()).not.toContain('\n');
    const [, day1] = generateSnapshots({ seed: '7', entities: 120, days: 2 });
    expect(JSON.parse(text.slice(1)).coveredEntities).toEqual(day1?.coveredEntities);
  });
});
