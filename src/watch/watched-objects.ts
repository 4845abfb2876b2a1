import type pg from 'pg';
import { objectId } from './plan-round.ts';

/** Outcome per object (keyed by `objectId`) of what the watcher did under a prefix. */
export async function loadOutcomes(
  pool: pg.Pool,
  bucket: string,
  prefix: string,
): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ key: string; etag: string; outcome: string }>(
    'select key, etag, outcome from watched_objects where bucket = $1 and starts_with(key, $2)',
    [bucket, prefix],
  );
  return new Map(rows.map((row) => [objectId(row), row.outcome]));
}

export interface ObjectOutcomeRow {
  bucket: string;
  key: string;
  etag: string;
  asOf: Date;
  outcome: 'applied' | 'already-applied' | 'refused' | 'failed';
  errorCode?: string;
  errorMessage?: string;
  sha256?: string;
  globalPosition?: number;
}

export async function recordOutcome(pool: pg.Pool, row: ObjectOutcomeRow): Promise<void> {
  await pool.query(
    `insert into watched_objects (bucket, key, etag, as_of, outcome, error_code, error_message, sha256, global_position)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (bucket, key, etag) do update set
       as_of = excluded.as_of, outcome = excluded.outcome, error_code = excluded.error_code,
       error_message = excluded.error_message, sha256 = excluded.sha256, global_position = excluded.global_position,
       attempts = watched_objects.attempts + 1, updated_at = now()`,
    [
      row.bucket,
      row.key,
      row.etag,
      row.asOf,
      row.outcome,
      row.errorCode ?? null,
      row.errorMessage ?? null,
      row.sha256 ?? null,
      row.globalPosition ?? null,
    ],
  );
}
