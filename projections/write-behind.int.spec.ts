import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { eachRow } from '../src/store/postgres/copy-rows.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { WriteBehind } from './write-behind.ts';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase('wb');
  await database.pool.query('create table items (owner text, n int check (n >= 0))');
});
afterEach(async () => {
  await database.close();
});

async function inTransaction<T>(work: (writes: WriteBehind) => Promise<T>): Promise<T> {
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    const result = await work(new WriteBehind(client));
    await client.query('rollback');
    return result;
  } finally {
    client.release();
  }
}

describe('WriteBehind', () => {
  it("a read sees its projector's rows queued before it, in order, gathered from several calls", async () => {
    const seen = await inTransaction(async (writes) => {
      const a = writes.for('a');
      a.copy('items', ['owner', 'n'], eachRow([['a', 1]]));
      a.copy(
        'items',
        ['owner', 'n'],
        eachRow([
          ['a', 2],
          ['a\ttab\\slash', 3],
        ]),
      );
      a.query('update items set n = n * 10 where n = $1', [2]);
      a.copy('items', ['owner', 'n'], eachRow([[null, 4]]));
      const { rows } = await a.read((client) =>
        client.query<{ owner: string | null; n: number }>('select owner, n from items order by ctid'),
      );
      expect(await writes.settle()).toEqual(new Map());
      return rows;
    });
    expect(seen).toEqual([
      { owner: 'a', n: 1 },
      { owner: 'a\ttab\\slash', n: 3 },
      { owner: 'a', n: 20 },
      { owner: null, n: 4 },
    ]);
  });

  it('names the projector whose write failed, not those whose writes the failure aborted', async () => {
    const failed = await inTransaction(async (writes) => {
      writes.for('early').copy('items', ['owner', 'n'], eachRow([['early', 1]]));
      writes.for('broken').copy('items', ['owner', 'n'], eachRow([['broken', -1]]));
      writes.for('broken').query('select 1', []); // sends the held COPY: it is refused here
      writes.for('late').query('update items set n = 2', []);
      writes.for('late').copy('items', ['owner', 'n'], eachRow([['late', 3]]));
      await writes.throttle();
      return writes.settle();
    });
    expect([...failed.keys()]).toEqual(['broken']);
    expect(String(failed.get('broken'))).toMatch(/check constraint/);
  });
});
