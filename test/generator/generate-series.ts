/**
 * Writes a seeded series of OPAIS-shaped daily snapshots and their manifest:
 *
 *   npx tsx test/generator/generate-series.ts --out dir --entities 90000 --days 8 --seed 1 [--minified] [--bom]
 *
 * Files are named OPA_CE_DAILY_PUBLIC-<yyyy-mm-dd>.JSON after their as-of
 * date; manifest.json gives each day's as-of, size, SHA-256 and expected
 * ingest outcome. The same arguments always write the same bytes.
 */
import { parseArgs } from 'node:util';
import { generateSeries } from './write-series.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    entities: { type: 'string', default: '300' },
    days: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    minified: { type: 'boolean', default: false },
    bom: { type: 'boolean', default: false },
    'no-root-members': { type: 'boolean', default: false },
    'edit-rate': { type: 'string' },
    'add-rate': { type: 'string' },
    'remove-rate': { type: 'string' },
    'reappear-rate': { type: 'string' },
    'noise-rate': { type: 'string' },
    'first-as-of': { type: 'string' },
  },
});

if (!values.out) {
  process.stderr.write(
    'usage: generate-series.ts --out DIR [--entities N] [--days D] [--seed S] [--minified] [--bom] [--no-root-members]\n' +
      '       [--edit-rate R] [--add-rate R] [--remove-rate R] [--reappear-rate R] [--noise-rate R] [--first-as-of ISO]\n',
  );
  process.exit(2);
}

const started = performance.now();
const manifest = await generateSeries({
  out: values.out,
  seed: values.seed,
  entities: positiveNumber('entities', values.entities),
  days: positiveNumber('days', values.days),
  editRate: rate('edit-rate', values['edit-rate']),
  addRate: rate('add-rate', values['add-rate']),
  removeRate: rate('remove-rate', values['remove-rate']),
  reappearRate: rate('reappear-rate', values['reappear-rate']),
  noiseRate: rate('noise-rate', values['noise-rate']),
  firstAsOf: values['first-as-of'],
  minified: values.minified,
  bom: values.bom,
  rootMembers: !values['no-root-members'],
  onDay(day) {
    const { registered, changed, removed, unchanged, entities, contractPharmacies } = day.expected;
    process.stdout.write(
      `${day.file}  as-of ${day.asOf}  ${(day.bytes / 1e6).toFixed(1)} MB  ${entities} entities, ` +
        `${contractPharmacies} contract pharmacies  (+${registered} ~${changed} -${removed} =${unchanged})\n`,
    );
  },
});
const totalBytes = manifest.days.reduce((sum, day) => sum + day.bytes, 0);
process.stdout.write(
  `${manifest.days.length} files, ${(totalBytes / 1e6).toFixed(1)} MB in ${values.out} ` +
    `(${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
);

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
}

function rate(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) throw new Error(`--${name} must be a number between 0 and 1, got ${text}`);
  return value;
}
