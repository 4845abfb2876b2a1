import type { BenchSchema } from './bench-schema.ts';
import type { PreparedSeries } from './prepare-series.ts';
import type { ChildResult } from './run-child.ts';

/**
 * One part of `npm run bench`. A section measures something in child
 * processes (so each figure has its own peak RSS) and returns table rows;
 * list it in sections/index.ts to have it run.
 */
export interface BenchSection {
  /** Short id for `--only`. */
  id: string;
  title: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}

export interface BenchContext {
  series: PreparedSeries;
  /** Runs per figure; each figure is the median of them. */
  runs: number;
  quick: boolean;
  /** The backfill section's own series (`--backfill-days`, `--backfill-entities`). */
  backfill: { days: number; entities: number };
  databaseUrl: string;
  /** Progress on stderr (the table goes to stdout). */
  log(message: string): void;
  /** `node --import tsx <script> ...args` from the repository root; its last stdout line is its JSON result. */
  runChild(script: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<ChildResult>;
  /** A fresh, migrated schema for `work`, dropped afterwards whatever happens. */
  withSchema<T>(work: (schema: BenchSchema) => Promise<T>): Promise<T>;
}

export interface BenchRow {
  metric: string;
  unit: 's' | 'MB' | 'rows/s' | 'events/s';
  ours: number;
  /** The reference measured in the same run; the table shows ours / baseline. */
  baseline?: { name: string; value: number };
  /** Lower is better: the issue's figure to stay within. */
  target?: { max: number; text: string };
  /** Anything that makes the figure suspect (e.g. counts that differ from the generator's). */
  note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Says so when a child's counts are not what the generator wrote (its figure then measures something else). */
export function countsNote(
  results: readonly ChildResult[],
  expected: Readonly<Record<string, number>>,
): string | undefined {
  for (const result of results) {
    const wrong = Object.entries(expected).filter(([name, value]) => result[name] !== value);
    if (wrong.length > 0) {
      return `counts differ: ${wrong.map(([name, value]) => `${name} ${String(result[name])} (expected ${value})`).join(', ')}`;
    }
  }
  return undefined;
}
