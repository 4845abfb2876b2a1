/**
 * Bench child: brings the projections of the schema in OPAIS_SCHEMA
 * (DATABASE_URL) up to a global position (a SnapshotIngested event's), timed
 * from the start of the catch-up until its last snapshot is committed.
 *
 *   project.ts --until POSITION
 */
import { parseArgs } from 'node:util';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { projectors } from '../../projections/projectors.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { measureWork, reportResult } from '../run-child.ts';
import { countProjectedRows } from './projected-rows.ts';

const { values } = parseArgs({ options: { until: { type: 'string' } } });
const { DATABASE_URL: databaseUrl, OPAIS_SCHEMA: schema } = process.env;
const until = Number(values.until);
if (!Number.isSafeInteger(until) || !databaseUrl || !schema) {
  throw new Error('usage: DATABASE_URL=... OPAIS_SCHEMA=... project.ts --until POSITION');
}

const database = await openDatabase({ migrate: false });
const { pool } = database;
try {
  const before = await countProjectedRows(pool);
  const measured = measureWork();
  const result = await catchUpProjections(database, {
    until: new Map(projectors.map((projector) => [projector.name, until])),
  });
  const work = measured();
  const rowsWritten = (await countProjectedRows(pool)) - before;
  reportResult({ ...work, snapshots: result.snapshots, failures: result.failures.length, rowsWritten });
} finally {
  await database.close();
}
