/**
 * `npm run bench [-- --quick] [-- --runs N] [-- --only rediff,ingest] [-- --minified]
 *   [-- --backfill-days 30] [-- --backfill-entities 90000]`
 *
 * Generates (once, cached in bench/data/) a full-scale series — 90,000
 * entities, ≈ 450,000 contract-pharmacy rows, 8 days — and prints a table of
 * the issues' figures, each the median of N runs (default 3) in child
 * processes, beside the baselines measured in the same run. It reports; it
 * does not pass or fail. `--quick` uses a small series (a smoke test).
 * PostgreSQL: BENCH_DATABASE_URL, else the local test server; each run gets
 * a fresh schema, dropped afterwards.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultBenchDatabaseUrl, withBenchSchema } from './bench-schema.ts';
import type { BenchContext, BenchRow } from './bench-section.ts';
import { fullScale, prepareSeries, quickScale } from './prepare-series.ts';
import { formatTable } from './print-table.ts';
import { runChild } from './run-child.ts';
import { sections } from './sections/index.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    minified: { type: 'boolean', default: false },
    'backfill-days': { type: 'string', default: '30' },
    'backfill-entities': { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const only = values.only?.split(',').map((id) => id.trim());
const unknown = only?.filter((id) => !sections.some((section) => section.id === id)) ?? [];
if (unknown.length > 0) {
  throw new Error(
    `unknown section ${unknown.join(', ')}; sections: ${sections.map((section) => section.id).join(', ')}`,
  );
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? defaultBenchDatabaseUrl;
// The backfill and exports sections generate their own series: run alone, they need only the small one for the header.
const backfillOnly = only?.every((id) => id === 'backfill' || id === 'exports') ?? false;
const series = await prepareSeries(
  { ...(values.quick || backfillOnly ? quickScale : fullScale), minified: values.minified },
  log,
);
const context: BenchContext = {
  series,
  runs,
  quick: values.quick,
  backfill: {
    days: values.quick ? 3 : Number(values['backfill-days']),
    entities: Number(values['backfill-entities'] ?? (values.quick ? quickScale : fullScale).entities),
  },
  databaseUrl,
  log,
  runChild,
  withSchema: (work) => withBenchSchema(databaseUrl, work),
};

const rows: BenchRow[] = [];
for (const section of sections) {
  if (only && !only.includes(section.id)) continue;
  log(`${section.title} ...`);
  try {
    rows.push(...(await section.run(context)));
  } catch (error) {
    // One broken section must not hide the others' figures.
    log(`${section.id} failed: ${(error as Error).message}`);
    rows.push({ metric: `${section.id}: FAILED (see stderr)`, unit: 's', ours: Number.NaN });
  }
}

const day0 = series.days[0];
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
process.stdout.write(
  [
    '',
    `opais-changelog bench — ${new Date().toISOString()}`,
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${megabytes(totalmem())} RAM, Node ${process.version}`,
    `series: ${series.directory}`,
    `        ${series.days.length} days, day 0 = ${day0?.expected.entities} entities, ${day0?.expected.contractPharmacies} contract-pharmacy rows, ` +
      `${megabytes(day0?.bytes ?? 0)} ${series.manifest.format.minified ? 'minified' : 'pretty-printed'}`,
    `figures: median of ${runs} run(s), each in its own child process; ratio < 1 means ours is faster / smaller`,
    ...(values.quick
      ? ['--quick: a smoke test on a small series; the targets are meant for full scale']
      : []),
    '',
    formatTable(rows),
    '',
  ].join('\n'),
);
