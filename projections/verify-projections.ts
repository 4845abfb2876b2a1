import type pg from 'pg';
import type { Database } from '../src/db/open-database.ts';
import { projectLockKey } from '../src/store/postgres/plans.ts';
import { type CatchUpOptions, catchUpProjections } from './catch-up-projections.ts';
import {
  createProjectionSchema,
  dropProjectionSchema,
  scratchPool,
  scratchSchemaName,
  withScratchLock,
} from './projection-schema.ts';
import { type RegistryDrift, verifyRegistry } from './verify-registry.ts';

export interface TableDrift {
  table: string;
  /** Rows only the live table has / only the fresh rebuild has (surrogate keys left out). */
  onlyLive: number;
  onlyRebuilt: number;
  /** The first differing rows of each side. */
  rows: { side: 'live' | 'rebuild'; row: Record<string, unknown> }[];
}

export interface CheckpointDrift {
  projector: string;
  live: { position: number; asOf: string | null } | null;
  rebuilt: { position: number; asOf: string | null } | null;
}

export interface VerifyResult {
  ok: boolean;
  snapshotsReplayed: number;
  tables: TableDrift[];
  checkpoints: CheckpointDrift[];
  registry: { count: number; rows: RegistryDrift[] };
  durationMs: number;
}

/**
 * Replays the events into a scratch schema (`<schema>_verify`, one verify
 * at a time), each projector up to the live
 * one's checkpoint, and compares every row of every projection table (but
 * the surrogate key) with the live tables; also checks the event store's
 * registry against a fold of the events. The comparison runs under the
 * projectors' lock so the live tables cannot move while being compared.
 */
export async function verifyProjections(
  database: Database,
  options: Pick<CatchUpOptions, 'onSnapshot'> & { limit?: number } = {},
): Promise<VerifyResult> {
  const started = performance.now();
  const limit = options.limit ?? 20;
  const scratch = scratchSchemaName(database.schema, 'verify');
  return withScratchLock(database.pool, scratch, async () => {
    await createProjectionSchema(database.pool, scratch);
    const pool = scratchPool(database.connectionString, scratch, database.schema);
    let snapshotsReplayed = 0;
    try {
      for (;;) {
        const targets = await livePositions(database.pool, database.schema);
        const run = await catchUpProjections(
          { pool, store: database.store },
          { until: targets, onSnapshot: options.onSnapshot },
        );
        snapshotsReplayed += run.snapshots;
        const compared = await compareUnderLock(database.pool, database.schema, scratch, targets, limit);
        if (!compared) continue;
        const registry = await verifyRegistry(database.pool, database.store, limit);
        return {
          ok: compared.tables.length === 0 && compared.checkpoints.length === 0 && registry.count === 0,
          snapshotsReplayed,
          ...compared,
          registry,
          durationMs: Math.round(performance.now() - started),
        };
      }
    } finally {
      await pool.end();
      await dropProjectionSchema(database.pool, scratch);
    }
  });
}

async function livePositions(pool: pg.Pool | pg.PoolClient, live: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ projector: string; position: number }>(
    `select projector, position from ${live}.projector_checkpoints`,
  );
  return new Map(rows.map((row) => [row.projector, row.position]));
}

/** Undefined when the live projectors moved after the replay (the caller replays up to their new positions). */
async function compareUnderLock(
  pool: pg.Pool,
  live: string,
  scratch: string,
  targets: ReadonlyMap<string, number>,
  limit: number,
): Promise<{ tables: TableDrift[]; checkpoints: CheckpointDrift[] } | undefined> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [projectLockKey(live)]);
    const now = await livePositions(client, live);
    if ([...now].some(([projector, position]) => targets.get(projector) !== position)) return undefined;
    const { rows: tables } = await client.query<{ name: string }>(
      `select tablename as name from pg_tables where schemaname = $1 and tablename <> 'projector_checkpoints' order by tablename`,
      [scratch],
    );
    const drift: TableDrift[] = [];
    for (const { name } of tables) {
      const table = await compareTable(client, live, scratch, name, limit);
      if (table.onlyLive + table.onlyRebuilt > 0) drift.push(table);
    }
    return { tables: drift, checkpoints: await compareCheckpoints(client, live, scratch) };
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
}

async function compareTable(
  client: pg.PoolClient,
  live: string,
  scratch: string,
  table: string,
  limit: number,
): Promise<TableDrift> {
  const { rows: columnRows } = await client.query<{ name: string }>(
    `select column_name as name from information_schema.columns
      where table_schema = $1 and table_name = $2 and column_name <> 'row_id' order by ordinal_position`,
    [scratch, table],
  );
  const columns = columnRows.map((row) => row.name).join(', ');
  const { rows } = await client.query<{
    side: 'live' | 'rebuild';
    row: Record<string, unknown>;
    n: number;
    rank: number;
  }>(
    `with drift as (
       select 'live' as side, row_to_json(d) as row from (
         select ${columns} from ${live}.${table} except all select ${columns} from ${scratch}.${table}) d
       union all
       select 'rebuild', row_to_json(d) from (
         select ${columns} from ${scratch}.${table} except all select ${columns} from ${live}.${table}) d
     ), ranked as (
       select side, row, count(*) over (partition by side)::int as n,
              row_number() over (partition by side order by row::text) as rank
         from drift
     )
     select side, row, n, rank from ranked where rank <= $1 order by side, rank`,
    [limit],
  );
  return {
    table,
    onlyLive: rows.find((row) => row.side === 'live')?.n ?? 0,
    onlyRebuilt: rows.find((row) => row.side === 'rebuild')?.n ?? 0,
    rows: rows.map((row) => ({ side: row.side, row: row.row })),
  };
}

async function compareCheckpoints(
  client: pg.PoolClient,
  live: string,
  scratch: string,
): Promise<CheckpointDrift[]> {
  const { rows } = await client.query<CheckpointDrift>(
    `select coalesce(l.projector, s.projector) as projector,
            case when l.projector is null then null else jsonb_build_object('position', l.position, 'asOf', l.as_of) end as live,
            case when s.projector is null then null else jsonb_build_object('position', s.position, 'asOf', s.as_of) end as rebuilt
       from ${live}.projector_checkpoints l full join ${scratch}.projector_checkpoints s using (projector)
      where (l.position, l.as_of) is distinct from (s.position, s.as_of)
      order by 1`,
  );
  return rows;
}
