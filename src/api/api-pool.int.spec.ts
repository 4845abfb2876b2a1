import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { createApiPool } from './api-pool.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase('api_pool');
});
afterAll(() => database?.close());

describe('the API connection pool', () => {
  it('reads the schema and refuses every write', async () => {
    const pool = createApiPool({ connectionString: database.connectionString, schema: database.schema });
    try {
      const { rows } = await pool.query<{ count: number }>(
        'select count(*)::int as count from projector_checkpoints',
      );
      expect(rows[0]?.count).toBe(0);
      await expect(
        pool.query("delete from projector_checkpoints where projector = 'x'"),
      ).rejects.toMatchObject({
        code: '25006',
      });
      await expect(pool.query('create table intruder (id int)')).rejects.toMatchObject({ code: '25006' });
    } finally {
      await pool.end();
    }
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() =>
      createApiPool({ connectionString: database.connectionString, schema: 'x -c role=admin' }),
    ).toThrow(/not a schema name/);
  });
});
