/**
 * Bench child: `opais rebuild` of the schema in OPAIS_SCHEMA (DATABASE_URL):
 * every event replayed into a fresh schema and swapped in.
 */
import { rebuildProjections } from '../../projections/rebuild-projections.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { reportResult } from '../run-child.ts';

const database = await openDatabase({ migrate: false });
try {
  const started = performance.now();
  const result = await rebuildProjections(database);
  reportResult({
    wallMs: performance.now() - started,
    snapshots: result.snapshots,
    failures: result.failures.length,
  });
} finally {
  await database.close();
}
