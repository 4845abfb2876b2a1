import type pg from 'pg';
import type { EntityCounts } from '../event-store.ts';
import * as plans from './plans.ts';

/** The registry's totals: entity streams whose key is current, and those removed. */
export async function countEntities(pool: pg.Pool): Promise<EntityCounts> {
  const { rows } = await pool.query<{ current: number; removed: number }>(plans.countEntities);
  return { current: rows[0]?.current ?? 0, removed: rows[0]?.removed ?? 0 };
}
