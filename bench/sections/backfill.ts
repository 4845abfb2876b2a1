import { type BenchRow, type BenchSection, median } from '../bench-section.ts';
import { prepareSeries } from '../prepare-series.ts';
import type { ChildResult } from '../run-child.ts';

/**
 * Issue 11: a backfill of N days (default 30, `--backfill-days`) of a series
 * of `--backfill-entities` entities (default full scale, 90,000), projections
 * caught up once at the end, beside the same days as N single-file ingests
 * (N processes, each ingest followed by its catch-up, as `opais ingest FILE`
 * does), both into a fresh schema. Seconds per day and peak RSS.
 */
export const backfillSection: BenchSection = {
  id: 'backfill',
  title: 'backfill of N days vs N single-file ingests (each with its projection catch-up)',
  async run(context) {
    const series = await prepareSeries(
      { entities: context.backfill.entities, days: context.backfill.days, seed: 'backfill', minified: true },
      context.log,
    );
    const days = series.days.length;
    const backfills: ChildResult[] = [];
    const singles: { wallMs: number; maxRssMb: number }[] = [];
    for (let run = 1; run <= context.runs; run++) {
      await context.withSchema(async (schema) => {
        context.log(`backfill of ${days} days, run ${run}/${context.runs} (schema ${schema.schema})`);
        backfills.push(
          await context.runChild('bench/children/backfill.ts', ['--series', series.directory], schema.env),
        );
      });
      await context.withSchema(async (schema) => {
        const each: ChildResult[] = [];
        for (const day of series.days) {
          context.log(`single-file ingest ${day.day + 1}/${days}, run ${run}/${context.runs}`);
          each.push(
            await context.runChild(
              'bench/children/backfill.ts',
              ['--series', series.directory, '--day', String(day.day)],
              schema.env,
            ),
          );
        }
        singles.push({
          wallMs: each.reduce((sum, result) => sum + result.wallMs, 0),
          maxRssMb: Math.max(...each.map((result) => result.maxRssMb)),
        });
      });
    }
    const perDay = (results: readonly { wallMs: number }[]) =>
      median(results.map((result) => result.wallMs / 1000 / days));
    const rss = (results: readonly { maxRssMb: number }[]) =>
      median(results.map((result) => result.maxRssMb));
    const scale = `${days} days × ${series.days[0]?.expected.entities} entities`;
    const rows: BenchRow[] = [
      {
        metric: `backfill, ${scale}, s per day`,
        unit: 's',
        ours: perDay(backfills),
        baseline: { name: `${days} single-file ingests`, value: perDay(singles) },
        note: backfills.some((result) => result.failures !== 0 || result.applied !== days)
          ? 'not every day applied and projected'
          : undefined,
      },
      {
        metric: `backfill, ${scale}, peak RSS`,
        unit: 'MB',
        ours: rss(backfills),
        baseline: { name: 'largest single-file ingest', value: rss(singles) },
      },
    ];
    return rows;
  },
};
