import type { BenchRow } from './bench-section.ts';

/** The bench's table: each figure beside its baseline and its target (lower is better throughout). */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['metric', 'ours', 'baseline', 'ours/baseline', 'target', 'within'];
  const lines = rows.map((row) => [
    row.metric,
    formatValue(row.ours, row.unit),
    row.baseline ? `${formatValue(row.baseline.value, row.unit)} (${row.baseline.name})` : '',
    row.baseline ? `${(row.ours / row.baseline.value).toFixed(2)}×` : '',
    row.target?.text ?? '',
    row.target ? (row.ours <= row.target.max ? 'yes' : 'NO') : '',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  const notes = rows.flatMap((row) => (row.note ? [`! ${row.metric}: ${row.note}`] : []));
  return [
    format(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...lines.map(format),
    ...notes,
  ].join('\n');
}

function formatValue(value: number, unit: BenchRow['unit']): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 's') return `${value.toFixed(value < 10 ? 2 : 1)} s`;
  if (unit === 'MB') return `${value.toFixed(0)} MB`;
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}
