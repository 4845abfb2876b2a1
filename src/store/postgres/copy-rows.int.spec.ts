import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';
import { type CopyCell, copyRows } from './copy-rows.ts';

describe('copyRows', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('copyrows');
  });
  afterAll(() => database.close());

  it('writes every row exactly, in COPYs of 8,192 rows taken from the rows as they are written', async () => {
    const count = 2 * 8192 + 5;
    let taken = 0;
    function* rows(): Generator<CopyCell[]> {
      for (let id = 0; id < count; id++) {
        taken += 1;
        yield [id, id % 1000 === 0 ? null : `row ${id}\twith a tab, a \\ and\na newline`];
      }
    }
    const client = await database.pool.connect();
    try {
      await client.query('create temporary table copied (id integer primary key, text text)');
      // How many rows had been taken when each COPY began: a slice at a time, never all at once.
      const takenAtEachCopy: number[] = [];
      const watched = new Proxy(client, {
        get(target, property, receiver) {
          if (property !== 'query') return Reflect.get(target, property, receiver);
          return (...args: Parameters<pg.PoolClient['query']>) => {
            takenAtEachCopy.push(taken);
            return (target.query as (...queryArgs: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      await copyRows(watched, 'copied', ['id', 'text'], rows());
      expect(takenAtEachCopy).toEqual([8192, 2 * 8192, count]);

      const { rows: stored } = await client.query<{ id: number; text: string | null }>(
        'select id, text from copied order by id',
      );
      expect(stored).toHaveLength(count);
      for (const id of [0, 1, 8191, 8192, 8193, 16383, 16384, count - 1]) {
        expect(stored[id]).toEqual({
          id,
          text: id % 1000 === 0 ? null : `row ${id}\twith a tab, a \\ and\na newline`,
        });
      }
    } finally {
      client.release();
    }
  });
});
