import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import type { Database } from '../../src/db/open-database.ts';
import { type IngestOptions, ingestSnapshot } from '../../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../../src/source/file-source.ts';
import { writeSnapshot } from './snapshot-fixtures.ts';

/**
 * One day as `opais ingest` runs it: the snapshot file written to `dir`,
 * ingested, then the projections (the API's read models among them) caught up.
 */
export async function ingestAndProject(
  database: Database,
  dir: string,
  name: string,
  entities: unknown[],
  asOf: Date,
  options: Partial<IngestOptions> = {},
) {
  const summary = await ingestSnapshot({
    store: database.store,
    source: fileSource(writeSnapshot(dir, name, entities)),
    asOf,
    ...options,
  });
  await catchUpProjections(database);
  return summary;
}
