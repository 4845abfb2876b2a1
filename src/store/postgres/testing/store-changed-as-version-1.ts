import type pg from 'pg';

/**
 * Rewrites every stored CoveredEntityChanged as a build before data contract
 * 1.1 stored it (schema version 1, no `changes`): no port offers this, since
 * stored events are never rewritten. Tests of the upcaster only.
 */
export async function storeChangedAsVersion1(pool: pg.Pool): Promise<void> {
  await pool.query(
    `update events set schema_version = 1, data = (data::jsonb - 'changes')::json
      where event_type = 'CoveredEntityChanged' and schema_version = 2`,
  );
}
