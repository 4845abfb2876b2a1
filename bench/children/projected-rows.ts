import type pg from 'pg';

/** The projection tables of the pool's schema: the dim_* tables, the dim_pharmacy projector's sources, the checkpoints. */
export async function projectionTables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `select tablename as name from pg_tables
      where schemaname = current_schema() and (tablename like 'dim\\_%' or tablename = 'projector_checkpoints')
      order by tablename`,
  );
  return rows.map((row) => row.name);
}

/**
 * Versions in all projection tables plus the dim_pharmacy projector's
 * sources: what a projection writes (a version expired in place is not
 * counted again).
 */
export async function countProjectedRows(pool: pg.Pool): Promise<number> {
  let total = 0;
  for (const name of await projectionTables(pool)) {
    if (name === 'projector_checkpoints') continue;
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from ${name}`);
    total += rows[0]?.n ?? 0;
  }
  return total;
}
