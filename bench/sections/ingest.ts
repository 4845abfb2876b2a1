import { type BenchRow, type BenchSection, countsNote, median } from '../bench-section.ts';
import { baselineReaders } from '../element-readers.ts';
import { registryFile } from '../registry-file.ts';
import type { ChildResult } from '../run-child.ts';

/**
 * Issue 2 (b) and (c): a first ingest (every entity new) and then a daily
 * delta (≈ 1% changed), each until its events are committed, in a fresh
 * schema per run. Beside them, the baselines' read + diff of the same files
 * against the same registry (no store writes: the baselines have no ingest).
 */
export const ingestSection: BenchSection = {
  id: 'ingest',
  title: '(b) first ingest and (c) daily delta, to events committed',
  async run(context) {
    const [day0, day1] = context.series.days;
    if (!day0 || !day1) throw new Error('the series needs two days');
    const registry0 = await registryFile(context, day0);
    const first: ChildResult[] = [];
    const delta: ChildResult[] = [];
    const baseline = new Map(
      baselineReaders.map((reader) => [reader, { first: [] as ChildResult[], delta: [] as ChildResult[] }]),
    );

    for (let run = 1; run <= context.runs; run++) {
      await context.withSchema(async (schema) => {
        context.log(`(b) first ingest of ${day0.file}, run ${run}/${context.runs} (schema ${schema.schema})`);
        first.push(
          await context.runChild(
            'bench/children/ingest.ts',
            ['--file', day0.path, '--as-of', day0.asOf],
            schema.env,
          ),
        );
        context.log(`(c) daily delta ${day1.file}, run ${run}/${context.runs}`);
        delta.push(
          await context.runChild(
            'bench/children/ingest.ts',
            ['--file', day1.path, '--as-of', day1.asOf],
            schema.env,
          ),
        );
      });
      for (const reader of baselineReaders) {
        context.log(`(b, c) baseline read + diff with ${reader}, run ${run}/${context.runs}`);
        const figures = baseline.get(reader);
        figures?.first.push(
          await context.runChild('bench/children/rediff.ts', ['--reader', reader, '--file', day0.path]),
        );
        figures?.delta.push(
          await context.runChild('bench/children/rediff.ts', [
            '--reader',
            reader,
            '--file',
            day1.path,
            '--registry',
            registry0,
          ]),
        );
      }
    }

    const seconds = (results: readonly ChildResult[]) =>
      median(results.map((result) => result.wallMs / 1000));
    const rss = (results: readonly ChildResult[]) => median(results.map((result) => result.maxRssMb));
    const { registered, changed, removed, unchanged } = day1.expected;
    const expectedFirst = { registered: day0.expected.entities, changed: 0, removed: 0, unchanged: 0 };
    const expectedDelta = { registered, changed, removed, unchanged };
    const rows: BenchRow[] = [];
    for (const reader of baselineReaders) {
      const figures = baseline.get(reader) ?? { first: [], delta: [] };
      rows.push({
        metric: `(b) first ingest, ${day0.expected.entities} entities`,
        unit: 's',
        ours: seconds(first),
        baseline: { name: `${reader} read+diff`, value: seconds(figures.first) },
        target: { max: 20, text: '≤ 20 s' },
        note: countsNote(first, expectedFirst) ?? countsNote(figures.first, expectedFirst),
      });
    }
    rows.push({ metric: '(b) first ingest, peak RSS', unit: 'MB', ours: rss(first) });
    for (const reader of baselineReaders) {
      const figures = baseline.get(reader) ?? { first: [], delta: [] };
      rows.push({
        metric: `(c) daily delta, ${changed + registered + removed} events`,
        unit: 's',
        ours: seconds(delta),
        baseline: { name: `${reader} read+diff`, value: seconds(figures.delta) },
        target: { max: 4, text: '≤ 4 s' },
        note: countsNote(delta, expectedDelta) ?? countsNote(figures.delta, expectedDelta),
      });
    }
    rows.push({ metric: '(c) daily delta, peak RSS', unit: 'MB', ours: rss(delta) });
    return rows;
  },
};
