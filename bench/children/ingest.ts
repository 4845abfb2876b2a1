/**
 * Bench child: ingests one snapshot file into the PostgreSQL event store of
 * the schema in OPAIS_SCHEMA (DATABASE_URL), timed from the start of
 * ingestSnapshot until its events are committed.
 *
 *   ingest.ts --file F --as-of ISO
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/db/open-database.ts';
import { ingestSnapshot } from '../../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../../src/source/file-source.ts';
import { measureWork, reportResult } from '../run-child.ts';

const { values } = parseArgs({ options: { file: { type: 'string' }, 'as-of': { type: 'string' } } });
const { DATABASE_URL: databaseUrl, OPAIS_SCHEMA: schema } = process.env;
if (!values.file || !values['as-of'] || !databaseUrl || !schema) {
  throw new Error('usage: DATABASE_URL=... OPAIS_SCHEMA=... ingest.ts --file F --as-of ISO');
}

const database = await openDatabase({ migrate: false });
try {
  const store = database.store;
  const measured = measureWork();
  const summary = await ingestSnapshot({
    store,
    source: fileSource(values.file),
    asOf: new Date(values['as-of']),
  });
  const work = measured();
  const { registered, changed, removed, unchanged, skipped, alreadyApplied } = summary;
  reportResult({ ...work, registered, changed, removed, unchanged, skipped, alreadyApplied });
} finally {
  await database.close();
}
