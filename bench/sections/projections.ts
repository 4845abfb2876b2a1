import { type BenchRow, type BenchSection, median } from '../bench-section.ts';
import { projectionTables } from '../children/projected-rows.ts';
import type { ChildResult } from '../run-child.ts';

/**
 * Issue 3: the first projection of a full-scale day-0, a daily delta, and
 * `opais rebuild` of all the days, each in a child process. The series is
 * ingested once (not timed); before each run the projection tables are
 * emptied, and each timed run starts after a CHECKPOINT. Beside day-0, the seed's row-by-row inserts measured in the same
 * run on a sample of day-0's entities, compared as rows written per second.
 */
export const projectionsSection: BenchSection = {
  id: 'projections',
  title: 'projections: day-0, daily delta, rebuild of all days (and row-by-row on a sample)',
  async run(context) {
    const days = context.series.days;
    const sampleEvents = context.quick ? 500 : 3000;
    return context.withSchema(async (schema) => {
      const positions: number[] = [];
      for (const day of days) {
        context.log(`projections: ingesting ${day.file} (set-up, not timed)`);
        await context.runChild(
          'bench/children/ingest.ts',
          ['--file', day.path, '--as-of', day.asOf],
          schema.env,
        );
        positions.push(await schema.store.headPosition());
      }
      const [day0, day1] = positions;
      if (day0 === undefined || day1 === undefined) throw new Error('the series needs two days');

      // Each timed run starts with the server's deferred writes done (not timed): otherwise a run pays for
      // the checkpoint that the previous run's WAL (or the ingests') triggers, 2–5 s of day-0 here.
      let canCheckpoint = true;
      const checkpoint = async () => {
        if (!canCheckpoint) return;
        await schema.pool.query('checkpoint').catch((error: Error) => {
          canCheckpoint = false;
          context.log(
            `projections: cannot CHECKPOINT (${error.message}); runs may pay for earlier runs' writes`,
          );
        });
      };
      const first: ChildResult[] = [];
      const delta: ChildResult[] = [];
      const rebuild: ChildResult[] = [];
      const rowByRow: ChildResult[] = [];
      for (let run = 1; run <= context.runs; run++) {
        await schema.pool.query(`truncate ${(await projectionTables(schema.pool)).join(', ')}`);
        await checkpoint();
        context.log(`projections: day-0, run ${run}/${context.runs}`);
        first.push(
          await context.runChild('bench/children/project.ts', ['--until', String(day0)], schema.env),
        );
        await checkpoint();
        context.log(`projections: daily delta, run ${run}/${context.runs}`);
        delta.push(
          await context.runChild('bench/children/project.ts', ['--until', String(day1)], schema.env),
        );
        await context.runChild(
          'bench/children/project.ts',
          ['--until', String(positions.at(-1))],
          schema.env,
        );
        await checkpoint();
        context.log(`projections: rebuild of ${days.length} days, run ${run}/${context.runs}`);
        rebuild.push(await context.runChild('bench/children/rebuild.ts', [], schema.env));
        await checkpoint();
        context.log(
          `projections: row-by-row baseline on ${sampleEvents} entities, run ${run}/${context.runs}`,
        );
        rowByRow.push(
          await context.runChild(
            'bench/children/project-row-by-row.ts',
            ['--events', String(sampleEvents)],
            schema.env,
          ),
        );
      }

      const seconds = (results: readonly ChildResult[]) =>
        median(results.map((result) => result.wallMs / 1000));
      const rate = (results: readonly ChildResult[]) =>
        median(results.map((result) => (result.rowsWritten as number) / (result.wallMs / 1000)));
      const dayZeroRows = first[0]?.rowsWritten as number;
      const failed = [...first, ...delta, ...rebuild].some((result) => (result.failures as number) > 0);
      const note = failed ? 'a projector stopped: the figure is suspect' : undefined;
      const rows: BenchRow[] = [
        {
          metric: `projection day-0, ${dayZeroRows} rows`,
          unit: 's',
          ours: seconds(first),
          // The row-by-row baseline runs on a sample; its rate is scaled to day-0's rows.
          baseline: {
            name: `row-by-row INSERT (${Math.round(rate(rowByRow))} rows/s on ${sampleEvents} entities)`,
            value: dayZeroRows / rate(rowByRow),
          },
          target: { max: 15, text: '≤ 15 s' },
          note,
        },
        {
          metric: 'projection day-0, peak RSS',
          unit: 'MB',
          ours: median(first.map((result) => result.maxRssMb)),
        },
        {
          metric: `projection daily delta, ${delta[0]?.rowsWritten} new rows`,
          unit: 's',
          ours: seconds(delta),
          target: { max: 1.5, text: '≤ 1.5 s' },
          note,
        },
        {
          metric: `opais rebuild, ${days.length} days`,
          unit: 's',
          ours: seconds(rebuild),
          target: { max: 40, text: '≤ 40 s' },
          note,
        },
      ];
      return rows;
    });
  },
};
