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
    const wall = (result: ChildResult) => result.wallMs / 1000;
    const rss = (result: ChildResult) => result.maxRssMb;
    /** A reader's wall time and peak RSS beside another's. */
    const compare = (reader: ReaderName, against: ReaderName, what: string): BenchRow[] => [
      {
        metric: `(a) re-diff${what}, wall`,
        unit: 's',
        ours: figure(reader, wall),
        baseline: { name: against, value: figure(against, wall) },
        target: wallTarget,
        note: note(reader) ?? note(against),
      },
      {
        metric: `(a) re-diff${what}, peak RSS`,
        unit: 'MB',
        ours: figure(reader, rss),
        baseline: { name: against, value: figure(against, rss) },
        target: { max: 300, text: '≤ 300 MB' },
      },
    ];
    const rows: BenchRow[] = [
      ...baselineReaders.flatMap((baseline) => compare('ours', baseline, ` ${megabytes.toFixed(0)} MB`)),
      ...compare('ours-parse-all', 'ours', ', ours parsing every element (no raw-hash skip)'),
      ...compare('ours-1-thread', 'ours', ', ours parsing every element without worker threads'),
      { metric: '(info) child floor: node + tsx, peak RSS', unit: 'MB', ours: floor.maxRssMb },
    ];
    return rows;
  },
};
