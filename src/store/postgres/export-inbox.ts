import type pg from 'pg';

/** One export as the inbox names it. */
export interface Arrival {
  /** A local path or s3://bucket/key. */
  source: string;
  /** The object's version id or ETag, when it has one. */
  sourceVersion?: string;
  asOf: Date;
}

export type InboxOutcome =
  | { state: 'applied' | 'already-applied'; sha256: string; globalPosition: number }
  | { state: 'out-of-order'; headAsOf: Date }
  | { state: 'failed'; code: string | undefined; message: string };

/**
 * An export in the inbox with a process waiting to apply it. The waiter's
 * connection is held until `settle`: while it is open, the export counts as
 * waiting (ingests of later as-ofs let it go first); once it is gone (the
 * process died), the export is pending with nobody waiting on it. A waiter
 * is its backend's pid and start time; a role without pg_read_all_stats sees
 * no start time of another role's backends, and then the pid alone decides.
 */
export interface InboxTicket {
  readonly id: number;
  readonly asOf: Date;
  /** Whether an export with an earlier as-of is pending and a live process waits to apply it. */
  earlierWaiting(): Promise<boolean>;
  settle(outcome: InboxOutcome): Promise<void>;
}

/** Records an arrival (again pending if it was seen before) with this process as its waiter. */
export async function arrive(pool: pg.Pool, arrival: Arrival): Promise<InboxTicket> {
  const waiter = await pool.connect();
  try {
    const { rows } = await waiter.query<{ id: number }>(
      `insert into export_inbox (source, source_version, as_of, state, waiter_pid, waiter_started)
       select $1, $2, $3, 'pending', pid, backend_start from pg_stat_activity where pid = pg_backend_pid()
       on conflict (source, source_version, as_of) do update
          set state = 'pending', waiter_pid = excluded.waiter_pid, waiter_started = excluded.waiter_started,
              error_code = null, error_message = null, settled_at = null
       returning id`,
      [arrival.source, arrival.sourceVersion ?? '', arrival.asOf],
    );
    const id = rows[0]?.id as number;
    let settled = false;
    return {
      id,
      asOf: arrival.asOf,
      async earlierWaiting() {
        // On the waiter's own connection: a caller holding the lock on another may have no spare one in its pool.
        const { rows: earlier } = await waiter.query(
          `select 1 from export_inbox i join pg_stat_activity a on a.pid = i.waiter_pid and coalesce(a.backend_start = i.waiter_started, true)
            where i.state = 'pending' and i.as_of < $1 and i.id <> $2 limit 1`,
          [arrival.asOf, id],
        );
        return earlier.length > 0;
      },
      async settle(outcome) {
        if (settled) return;
        settled = true;
        try {
          await waiter.query(
            `update export_inbox
                set state = $2, sha256 = $3, global_position = $4, head_as_of = $5, error_code = $6,
                    error_message = $7, waiter_pid = null, waiter_started = null, settled_at = now()
              where id = $1`,
            [
              id,
              outcome.state,
              'sha256' in outcome ? outcome.sha256 : null,
              'globalPosition' in outcome ? outcome.globalPosition : null,
              'headAsOf' in outcome ? outcome.headAsOf : null,
              'code' in outcome ? (outcome.code ?? null) : null,
              'message' in outcome ? outcome.message : null,
            ],
          );
        } finally {
          waiter.release();
        }
      },
    };
  } catch (error) {
    waiter.release();
    throw error;
  }
}

/** Pending exports whose process is gone, earliest first: whoever ingests next may apply them (S3 sources). */
export async function orphanedArrivals(pool: pg.Pool, sourcePrefix: string): Promise<Arrival[]> {
  const { rows } = await pool.query<{ source: string; source_version: string; as_of: Date }>(
    `select i.source, i.source_version, i.as_of from export_inbox i
      where i.state = 'pending' and starts_with(i.source, $1)
        and not exists (select 1 from pg_stat_activity a where a.pid = i.waiter_pid and coalesce(a.backend_start = i.waiter_started, true))
      order by i.as_of, i.id`,
    [sourcePrefix],
  );
  return rows.map((row) => ({
    source: row.source,
    sourceVersion: row.source_version || undefined,
    asOf: row.as_of,
  }));
}

export interface OutOfOrderExport {
  source: string;
  asOf: string;
  headAsOf: string | null;
  arrivedAt: string;
}

/** Exports refused because they arrived after a later one was applied: how many, and the latest ones. */
export async function outOfOrderExports(
  pool: pg.Pool,
  limit = 10,
): Promise<{ count: number; latest: OutOfOrderExport[] }> {
  const { rows } = await pool.query<{
    count: number;
    source: string;
    as_of: Date;
    head_as_of: Date | null;
    arrived_at: Date;
  }>(
    `select count(*) over ()::int as count, source, as_of, head_as_of, arrived_at
       from export_inbox where state = 'out-of-order' order by settled_at desc, id desc limit $1`,
    [limit],
  );
  return {
    count: rows[0]?.count ?? 0,
    latest: rows.map((row) => ({
      source: row.source,
      asOf: row.as_of.toISOString(),
      headAsOf: row.head_as_of?.toISOString() ?? null,
      arrivedAt: row.arrived_at.toISOString(),
    })),
  };
}
