import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { eachRow } from '../src/store/postgres/copy-rows.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { deferIndexesWhileEmpty } from './deferred-indexes.ts';
import { WriteBehind } from './write-behind.ts';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase('di');
  await database.pool.query(`create table items (
    row_id bigint generated always as identity primary key, k text not null, current text not null)`);
  await database.pool.query("create unique index items_current_key on items (k) where current = 'Y'");
  await database.pool.query('create index items_current_idx on items (current)');
});
afterEach(async () => {
  await database.close();
});

const indexes = `select pg_get_indexdef(indexrelid) as definition from pg_index
  where indrelid = 'items'::regclass order by 1`;

/** Runs `work` in a transaction, committed unless a write failed; returns the failures. */
async function transaction(work: (writes: WriteBehind) => Promise<void>): Promise<Map<string, unknown>> {
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    const writes = new WriteBehind(client);
    await work(writes);
    const failed = await writes.settle();
    await client.query(failed.size > 0 ? 'rollback' : 'commit');
    return failed;
  } finally {
    client.release();
  }
}

/** The indexes once the writes queued before are done. */
function indexesNow(writes: WriteBehind): Promise<string[]> {
  return writes.for('probe').read(async (reader) => {
    const { rows } = await reader.query<{ definition: string }>(indexes);
    return rows.map((row) => row.definition);
  });
}

async function definitions(): Promise<string[]> {
  const { rows } = await database.pool.query<{ definition: string }>(indexes);
  return rows.map((row) => row.definition);
}

describe('deferIndexesWhileEmpty', () => {
  it('fills an empty table without its indexes and builds the same ones at the end', async () => {
    const before = await definitions();
    const failed = await transaction(async (writes) => {
      const own = writes.for('items');
      const deferred = deferIndexesWhileEmpty(own, 'items');
      expect(await deferred.empty).toBe(true);
      own.copy(
        'items',
        ['k', 'current'],
        eachRow([
          ['a', 'Y'],
          ['b', 'Y'],
        ]),
      );
      expect(await indexesNow(writes)).toEqual([]);
      await deferred.restore();
    });
    expect(failed).toEqual(new Map());
    expect(await definitions()).toEqual(before);
    const { rows } = await database.pool.query(
      "select conname from pg_constraint where conrelid = 'items'::regclass and contype = 'p'",
    );
    expect(rows).toEqual([{ conname: 'items_pkey' }]);
  });

  it('leaves the indexes of a table with rows alone', async () => {
    await database.pool.query("insert into items (k, current) values ('a', 'Y')");
    const before = await definitions();
    const failed = await transaction(async (writes) => {
      const own = writes.for('items');
      const deferred = deferIndexesWhileEmpty(own, 'items');
      expect(await deferred.empty).toBe(false);
      own.copy('items', ['k', 'current'], eachRow([['b', 'Y']]));
      expect(await indexesNow(writes)).toEqual(before);
      await deferred.restore();
    });
    expect(failed).toEqual(new Map());
  });

  it("a unique index the rows break fails its build as the projector's write, and the rollback keeps it", async () => {
    const before = await definitions();
    const failed = await transaction(async (writes) => {
      const own = writes.for('items');
      const deferred = deferIndexesWhileEmpty(own, 'items');
      own.copy(
        'items',
        ['k', 'current'],
        eachRow([
          ['a', 'Y'],
          ['a', 'Y'],
        ]),
      );
      await deferred.restore();
    });
    expect([...failed.keys()]).toEqual(['items']);
    expect(String(failed.get('items'))).toMatch(/could not create unique index/);
    expect(await definitions()).toEqual(before);
  });
});
