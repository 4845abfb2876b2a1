import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, type BenchSection, median } from '../bench-section.ts';
import { prepareSeries } from '../prepare-series.ts';
import type { ChildResult } from '../run-child.ts';

/**
 * Issue 11: `opais export dim_ce_contract_pharmacy --history` (the largest
 * table, every version) as CSV and Parquet after the backfill series is
 * loaded (set-up, not timed), beside PostgreSQL's own `COPY … TO STDOUT
 * CSV` of the same rows. Peak RSS shows that the export streams.
 */
export const exportsSection: BenchSection = {
  id: 'exports',
  title: 'exports: full history of dim_ce_contract_pharmacy as CSV and Parquet vs COPY',
  async run(context) {
    const series = await prepareSeries(
      { entities: context.backfill.entities, days: context.backfill.days, seed: 'backfill', minified: true },
      context.log,
    );
    return context.withSchema(async (schema) => {
      context.log(`exports: loading ${series.days.length} days (set-up, not timed)`);
      await context.runChild('bench/children/backfill.ts', ['--series', series.directory], schema.env);
      const out = join(tmpdir(), `opais-bench-export-${process.pid}`);
      const runs = { csv: [] as ChildResult[], parquet: [] as ChildResult[], copy: [] as ChildResult[] };
      try {
        for (let run = 1; run <= context.runs; run++) {
          for (const [name, args] of [
            ['csv', ['--format', 'csv', '--history']],
            ['parquet', ['--format', 'parquet', '--history']],
            ['copy', ['--copy']],
          ] as const) {
            context.log(`exports: ${name}, run ${run}/${context.runs}`);
            runs[name].push(
              await context.runChild(
                'bench/children/export.ts',
                ['--what', 'dim_ce_contract_pharmacy', ...args, '--out', out],
                schema.env,
              ),
            );
          }
        }
      } finally {
        await rm(out, { force: true });
      }
      const seconds = (results: readonly ChildResult[]) =>
        median(results.map((result) => result.wallMs / 1000));
      const rss = (results: readonly ChildResult[]) => median(results.map((result) => result.maxRssMb));
      const rows = runs.copy[0]?.rows as number;
      const megabytes = (results: readonly ChildResult[]) => ((results[0]?.bytes as number) / 1e6).toFixed(0);
      const copy = { name: 'PostgreSQL COPY to CSV', value: seconds(runs.copy) };
      const table: BenchRow[] = [
        {
          metric: `export CSV, ${rows} rows (${megabytes(runs.csv)} MB)`,
          unit: 's',
          ours: seconds(runs.csv),
          baseline: copy,
        },
        {
          metric: `export Parquet, ${rows} rows (${megabytes(runs.parquet)} MB)`,
          unit: 's',
          ours: seconds(runs.parquet),
          baseline: copy,
        },
        {
          metric: 'export CSV, peak RSS',
          unit: 'MB',
          ours: rss(runs.csv),
          baseline: { name: 'COPY child', value: rss(runs.copy) },
        },
        {
          metric: 'export Parquet, peak RSS',
          unit: 'MB',
          ours: rss(runs.parquet),
          baseline: { name: 'COPY child', value: rss(runs.copy) },
        },
      ];
      return table;
    });
  },
};
