import type pg from 'pg';
import type { AppliedSnapshot } from '../event-store.ts';

export interface SnapshotRow {
  as_of: Date;
  sha256: string;
  global_position: number;
  source: AppliedSnapshot['source'];
  counts: AppliedSnapshot['counts'];
  duration_ms: number;
  ingested_at: Date;
  data_quality_problem_count: number | null;
}

export function mapSnapshot(row: SnapshotRow): AppliedSnapshot {
  return {
    asOf: row.as_of,
    sha256: row.sha256,
    globalPosition: row.global_position,
    source: row.source,
    counts: row.counts,
    dataQualityProblemCount: row.data_quality_problem_count,
    durationMs: row.duration_ms,
    ingestedAt: row.ingested_at,
  };
}

/** Runs one of the snapshot plans (list, last, by SHA-256). */
export async function selectSnapshots(
  queryable: pg.Pool | pg.PoolClient,
  sql: string,
  values: unknown[] = [],
): Promise<AppliedSnapshot[]> {
  const { rows } = await queryable.query<SnapshotRow>(sql, values);
  return rows.map(mapSnapshot);
}
