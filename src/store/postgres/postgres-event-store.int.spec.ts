import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';
import { registeredEvent } from '../../events/entity-events.ts';
import { describeEventStore } from '../testing/describe-event-store.ts';
import { testSnapshot } from '../testing/test-snapshot.ts';

describeEventStore('postgres', async () => {
  const database = await createTestDatabase('contract');
  return { store: database.store, dispose: () => database.close() };
});

describe('PostgreSQL event store', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('store');
  });
  afterAll(() => database.close());

  it("keeps data that COPY's text format escapes (backslash, tab) intact", async () => {
    const asOf = new Date('2026-01-01T05:00:00Z');
    const session = await database.store.beginIngest({ asOf });
    await session.append([
      registeredEvent(
        { id340B: 'A', ceId: 1, streamVersion: 1 },
        'h1',
        Buffer.from('{"name":"a\\\\b\\ttab"}'),
      ),
    ]);
    await session.commit(testSnapshot(asOf, 'sha-1'));
    const [event] = await database.store.readStream('coveredEntity-A.1');
    expect(event?.data).toMatchObject({ entity: { name: 'a\\b\ttab' } });
  });
});
