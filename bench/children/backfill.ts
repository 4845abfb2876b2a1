/**
 * Bench child: a backfill of a series' days (all of them, then one catch-up
 * of the projections), or with --day N one day's single-file ingest and its
 * catch-up (what one `opais ingest FILE` does), into the schema in
 * OPAIS_SCHEMA (DATABASE_URL).
 *
 *   backfill.ts --series DIR [--day N]
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { backfill } from '../../src/ingest/backfill.ts';
import type { BackfillFile } from '../../src/ingest/list-backfill-files.ts';
import { fileSource } from '../../src/source/file-source.ts';
import { readSeriesManifest } from '../../test/generator/write-series.ts';
import { reportResult } from '../run-child.ts';

const { values } = parseArgs({ options: { series: { type: 'string' }, day: { type: 'string' } } });
const { DATABASE_URL: databaseUrl, OPAIS_SCHEMA: schema } = process.env;
if (!values.series || !databaseUrl || !schema) {
  throw new Error('usage: DATABASE_URL=... OPAIS_SCHEMA=... backfill.ts --series DIR [--day N]');
}

const manifest = await readSeriesManifest(values.series);
const days =
  values.day === undefined ? manifest.days : manifest.days.filter((day) => day.day === Number(values.day));
const files: BackfillFile[] = [];
for (const day of days) {
  const path = `${values.series}/${day.file}`;
  files.push({
    name: path,
    source: fileSource(path),
    asOf: new Date(day.asOf),
    asOfFrom: 'name',
    bytes: (await stat(path)).size,
  });
}

const database = await openDatabase({ migrate: false });
try {
  const started = performance.now();
  const results = await backfill({
    pool: database.pool,
    store: database.store,
    files,
    allowMassRemoval: true,
  });
  const projected = await catchUpProjections(database);
  const wallMs = performance.now() - started;
  reportResult({
    wallMs,
    applied: results.filter((result) => result.outcome === 'applied').length,
    projectedSnapshots: projected.snapshots,
    failures: projected.failures.length,
  });
} finally {
  await database.close();
}
