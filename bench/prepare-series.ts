import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import {
  type ManifestDay,
  manifestFileName,
  readSeriesManifest,
  type SeriesManifest,
} from '../test/generator/write-series.ts';
import { repositoryRoot } from './run-child.ts';

export const benchDataDirectory = join(repositoryRoot, 'bench/data');

export interface SeriesSpec {
  entities: number;
  days: number;
  seed: string;
  minified: boolean;
}

export interface PreparedSeries {
  directory: string;
  manifest: SeriesManifest;
  days: Array<ManifestDay & { path: string }>;
}

/** Full scale as the issues define it: ≈ 90,000 entities, ≈ 450,000 contract-pharmacy rows, 8 days. */
export const fullScale: SeriesSpec = { entities: 90_000, days: 8, seed: 'bench', minified: false };
/** For a smoke test of the harness. */
export const quickScale: SeriesSpec = { entities: 3_000, days: 3, seed: 'bench', minified: false };

/**
 * The series under bench/data (gitignored), generated once and reused: a
 * directory with a manifest is complete, because the generator writes the
 * manifest last. Its name carries a fingerprint of the generator's code, so
 * a changed generator makes a new series (and the stale one is deleted).
 * Generation runs at low priority: it takes minutes at full scale and the
 * machine is shared.
 */
export async function prepareSeries(
  spec: SeriesSpec,
  log: (message: string) => void,
): Promise<PreparedSeries> {
  const prefix = `series-${spec.entities}e-${spec.days}d-${spec.seed}-${spec.minified ? 'minified' : 'pretty'}-`;
  const name = `${prefix}${await generatorFingerprint()}`;
  const directory = join(benchDataDirectory, name);
  if (!existsSync(join(directory, manifestFileName))) {
    log(`generating ${name} (once; cached under bench/data/) ...`);
    const entries = existsSync(benchDataDirectory) ? await readdir(benchDataDirectory) : [];
    for (const stale of entries.filter((entry) => entry.startsWith(prefix))) {
      await rm(join(benchDataDirectory, stale), { recursive: true, force: true });
    }
    await generate(spec, directory, log);
  }
  const manifest = await readSeriesManifest(directory);
  return {
    directory,
    manifest,
    days: manifest.days.map((day) => ({ ...day, path: join(directory, day.file) })),
  };
}

function generatorFingerprint(): Promise<string> {
  return sourceFingerprint('test/generator');
}

/** A short hash of the TypeScript sources (tests aside) of a folder of the repository. */
export async function sourceFingerprint(folder: string): Promise<string> {
  const directory = join(repositoryRoot, folder);
  const files = (await readdir(directory))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(await readFile(join(directory, file)));
  return hash.digest('hex').slice(0, 10);
}

function generate(spec: SeriesSpec, directory: string, log: (message: string) => void): Promise<void> {
  const args = [
    '--import',
    'tsx',
    'test/generator/generate-series.ts',
    '--out',
    directory,
    '--entities',
    String(spec.entities),
    '--days',
    String(spec.days),
    '--seed',
    spec.seed,
    ...(spec.minified ? ['--minified'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) setPriority(child.pid, 10);
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.trimEnd().split('\n')) log(`  ${line}`);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`series generation failed (${code}):\n${stderr}`)),
    );
  });
}
