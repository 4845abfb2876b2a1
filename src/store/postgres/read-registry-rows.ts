import type pg from 'pg';
import * as plans from './plans.ts';

/** A row of the entity registry as `opais verify` compares it, in the table's column order. */
export interface RegistryRow {
  id340b: string;
  ce_id: number;
  content_hash: string;
  stream_version: number;
  is_current: boolean;
  as_of: string;
}

/** The stored entity registry by stream id, with each row's as-of (ISO). */
export async function readRegistryRows(pool: pg.Pool): Promise<Map<string, RegistryRow>> {
  const { rows } = await pool.query<Omit<RegistryRow, 'as_of'> & { stream_id: string; as_of: Date }>(
    plans.registryRows,
  );
  return new Map(
    rows.map(({ stream_id, as_of, ...row }) => [stream_id, { ...row, as_of: as_of.toISOString() }]),
  );
}
