import type pg from 'pg';
import { replayProjectionMigrations } from '../../projections/projection-schema.ts';

/**
 * The tables the projection migrations make (the dim_* tables, the
 * dim_pharmacy projector's sources, the read models, the checkpoints): what
 * a rebuild replaces and what a run must empty to start again. Found by
 * replaying those migrations in a schema that is rolled back, so that a
 * read model added later is not left holding the previous run's rows (its
 * projector would then stop on them).
 */
export async function projectionTables(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const probe = `projection_tables_${process.pid}`;
    await client.query(`create schema ${probe}`);
    await replayProjectionMigrations(client, probe);
    const { rows } = await client.query<{ name: string }>(
      'select tablename as name from pg_tables where schemaname = $1 order by tablename',
      [probe],
    );
    return rows.map((row) => row.name);
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
}

/**
 * Versions in all dim_* tables plus the dim_pharmacy projector's sources:
 * what a projection writes (a version expired in place is not counted
 * again).
 */
export async function countProjectedRows(pool: pg.Pool): Promise<number> {
  let total = 0;
  for (const name of await projectionTables(pool)) {
    if (!name.startsWith('dim_')) continue;
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from ${name}`);
    total += rows[0]?.n ?? 0;
  }
  return total;
}
