import { createTestDatabase } from '../../test/support/test-database.ts';
import { describeIngestRules } from './testing/describe-ingest-rules.ts';

describeIngestRules('postgres', async () => {
  const database = await createTestDatabase('ingest');
  return { store: database.store, dispose: () => database.close() };
});
