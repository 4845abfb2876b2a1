import type pg from 'pg';

/** Tampers with one entity's registry row (whether it is current), for tests that must see `opais verify` catch it. */
export async function setRegistryCurrent(pool: pg.Pool, streamId: string, isCurrent: boolean): Promise<void> {
  await pool.query('update entity_registry set is_current = $2 where stream_id = $1', [streamId, isCurrent]);
}
