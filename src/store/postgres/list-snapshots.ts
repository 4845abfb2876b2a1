import type pg from 'pg';
import type { AppliedSnapshot } from '../event-store.ts';

export const snapshotColumns = 'as_of, sha256, global_position, source, counts, duration_ms';

export interface SnapshotRow {
  as_of: Date;
  sha256: string;
  global_position: number;
  source: AppliedSnapshot['source'];
  counts: AppliedSnapshot['counts'];
  duration_ms: number;
}

export function mapSnapshot(row: SnapshotRow): AppliedSnapshot {
  return {
    asOf: row.as_of,
    sha256: row.sha256,
    globalPosition: row.global_position,
    source: row.source,
    counts: row.counts,
    durationMs: row.duration_ms,
  };
}

export async function listSnapshots(pool: pg.Pool | pg.PoolClient): Promise<AppliedSnapshot[]> {
  const { rows } = await pool.query<SnapshotRow>(`select ${snapshotColumns} from snapshots order by as_of`);
  return rows.map(mapSnapshot);
}
