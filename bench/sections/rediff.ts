import { type BenchRow, type BenchSection, countsNote, median } from '../bench-section.ts';
import { baselineReaders, type ReaderName } from '../element-readers.ts';
import { registryFile } from '../registry-file.ts';
import type { ChildResult } from '../run-child.ts';

/**
 * Issue 2 (a): re-diff a full snapshot whose every entity is unchanged —
 * read, parse, check, canonicalise, hash and compare each one with the
 * registry — with our reader and with the two baselines doing the same diff.
 */
export const rediffSection: BenchSection = {
  id: 'rediff',
  title: '(a) no-change re-diff of a full snapshot',
  async run(context) {
    const day = context.series.days[0];
    if (!day) throw new Error('the series has no day 0');
    const registry = await registryFile(context, day);
    const readers: ReaderName[] = ['ours', 'ours-parse-all', 'ours-1-thread', ...baselineReaders];
    const results = new Map<ReaderName, ChildResult[]>(readers.map((reader) => [reader, []]));
    // Interleaved, so that a slow moment of the shared machine does not fall on one reader only.
    for (let run = 1; run <= context.runs; run++) {
      for (const reader of readers) {
        context.log(`(a) re-diff with ${reader}, run ${run}/${context.runs}`);
        const result = await context.runChild('bench/children/rediff.ts', [
          '--reader',
          reader,
          '--file',
          day.path,
          '--registry',
          registry,
        ]);
        results.get(reader)?.push(result);
      }
    }
    const floor = await context.runChild('bench/children/idle.ts', []);

    const megabytes = day.bytes / 1e6;
    const expected = {
      entities: day.expected.entities,
      unchanged: day.expected.entities,
      changed: 0,
      registered: 0,
      removed: 0,
    };
    const figure = (reader: ReaderName, pick: (result: ChildResult) => number) =>
      median((results.get(reader) ?? []).map(pick));
    const note = (reader: ReaderName) => countsNote(results.get(reader) ?? [], expected);
    const wallTarget = {
      max: (3 * megabytes) / 200,
      text: `≤ ${((3 * megabytes) / 200).toFixed(1)} s (3 s/200 MB)`,
    };
    const rows: BenchRow[] = [];
    for (const baseline of baselineReaders) {
      rows.push({
        metric: `(a) re-diff ${megabytes.toFixed(0)} MB, wall`,
        unit: 's',
        ours: figure('ours', (result) => result.wallMs / 1000),
        baseline: { name: baseline, value: figure(baseline, (result) => result.wallMs / 1000) },
        target: wallTarget,
        note: note('ours') ?? note(baseline),
      });
    }
    for (const baseline of baselineReaders) {
      rows.push({
        metric: '(a) re-diff, peak RSS',
        unit: 'MB',
        ours: figure('ours', (result) => result.maxRssMb),
        baseline: { name: baseline, value: figure(baseline, (result) => result.maxRssMb) },
        target: { max: 300, text: '≤ 300 MB' },
      });
    }
    rows.push(
      {
        metric: '(a) re-diff, ours parsing every element (no raw-hash skip), wall',
        unit: 's',
        ours: figure('ours-parse-all', (result) => result.wallMs / 1000),
        baseline: { name: 'ours', value: figure('ours', (result) => result.wallMs / 1000) },
        target: wallTarget,
        note: note('ours-parse-all'),
      },
      {
        metric: '(a) re-diff, ours parsing every element, peak RSS',
        unit: 'MB',
        ours: figure('ours-parse-all', (result) => result.maxRssMb),
        baseline: { name: 'ours', value: figure('ours', (result) => result.maxRssMb) },
        target: { max: 300, text: '≤ 300 MB' },
      },
      {
        metric: '(a) re-diff, ours parsing every element without worker threads, wall',
        unit: 's',
        ours: figure('ours-1-thread', (result) => result.wallMs / 1000),
        baseline: { name: 'ours', value: figure('ours', (result) => result.wallMs / 1000) },
        target: wallTarget,
        note: note('ours-1-thread'),
      },
      {
        metric: '(a) re-diff, ours parsing every element without worker threads, peak RSS',
        unit: 'MB',
        ours: figure('ours-1-thread', (result) => result.maxRssMb),
        baseline: { name: 'ours', value: figure('ours', (result) => result.maxRssMb) },
        target: { max: 300, text: '≤ 300 MB' },
      },
      { metric: '(info) child floor: node + tsx, peak RSS', unit: 'MB', ours: floor.maxRssMb },
    );
    return rows;
  },
};
