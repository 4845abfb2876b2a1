import { advisoryLockKey } from '../../db/advisory-lock-key.ts';

/**
 * Every SQL statement of the PostgreSQL event store, with its storage
 * vocabulary: table names, the notification channel, the lock names and the
 * head query. Tables are named unqualified: the pool's search_path names the
 * schema (src/db/open-database.ts). Nothing outside src/store/postgres/
 * writes SQL against these tables.
 */

/** The channel on which a commit announces its last global position. */
export const eventsChannel = 'opais_events';

/** The single-writer lock of ingests into one schema. */
export const ingestLockKey = (schema: string) => advisoryLockKey(`ingest:${schema}`);

/**
 * The lock that projection runners (catch-up, rebuild swap, verify compare)
 * of one schema serialise on. It lives here so that every lock name of a
 * schema is spelled in one module.
 */
export const projectLockKey = (schema: string) => advisoryLockKey(`project:${schema}`);

export const currentSchema = 'select current_schema() as schema';
export const tryTransactionLock = 'select pg_try_advisory_xact_lock($1) as locked';
export const transactionLock = 'select pg_advisory_xact_lock($1)';
/** The same lock held by a session (the KurrentDB store's ingests, whose PostgreSQL transactions are short). */
export const trySessionLock = 'select pg_try_advisory_lock($1) as locked';
export const sessionLock = 'select pg_advisory_lock($1)';
export const sessionUnlock = 'select pg_advisory_unlock($1)';
export const listen = `listen ${eventsChannel}`;
export const notifyCommit = `select pg_notify('${eventsChannel}', $1)`;

/** Every ingest commits SnapshotIngested last in one transaction, so the last position is always a complete snapshot's. */
export const headPosition = 'select coalesce(max(global_position), 0) as head from events';

export const eventsTable = 'events';

/** The event store's own tables: no SQL outside src/store/postgres/ names them (test/event-tables-boundary.unit.spec.ts). */
export const eventStoreTables = [eventsTable, 'entity_registry', 'snapshots'] as const;
export const newEventColumns = [
  'stream_id',
  'stream_version',
  'event_id',
  'event_type',
  'schema_version',
  'as_of',
  'data',
  'metadata',
] as const;

export const storedEventColumns =
  'global_position, stream_id, stream_version, event_id, event_type, schema_version, as_of, data, metadata, recorded_at';

export const readAll = `select ${storedEventColumns} from events
  where global_position > $1 and ($3::text[] is null or event_type = any($3))
  order by global_position limit $2`;

export const readStream = `select ${storedEventColumns} from events
  where stream_id = $1 and stream_version > $2
  order by stream_version limit $3`;

/** The narrow index of a range: positions and stored sizes only (the bulk read plans its chunks from it). */
export const entityChangeIndex = `select global_position as position, stream_id, pg_column_size(data) as size from events
  where global_position > $1 and global_position <= $2 and event_type = any($3)
  order by global_position`;

/**
 * One chunk as a position range. Reading whole `data` and picking members in
 * JavaScript is cheaper than `data->'entity'` in SQL (full-scale day-0:
 * 3.4 s vs 4.8 s in PostgreSQL).
 */
export const entityChangeChunk = `select global_position as position, event_type, schema_version, stream_id, stream_version, data
  from events where global_position >= $1 and global_position <= $2 and event_type = any($3)
  order by global_position`;

const snapshotColumns = `s.as_of, s.sha256, s.global_position, s.source, s.counts, s.duration_ms, s.ingested_at,
  (e.data->>'dataQualityProblemCount')::int as data_quality_problem_count`;
const fromSnapshots = 'from snapshots s left join events e on e.global_position = s.global_position';

export const listSnapshots = `select ${snapshotColumns} ${fromSnapshots} order by s.as_of`;
export const lastSnapshot = `select ${snapshotColumns} ${fromSnapshots} order by s.as_of desc limit 1`;
export const snapshotBySha256 = `select ${snapshotColumns} ${fromSnapshots} where s.sha256 = $1`;

export const loadRegistry =
  'select stream_id, id340b, ce_id, content_hash, stream_version, is_current, raw_hash, layout_free_hash from entity_registry';
/** The as-of of the newest registry row: the last snapshot (with changes) that the registry reflects. */
export const registryAsOf = 'select max(as_of) as as_of from entity_registry';

export const registryRows =
  'select stream_id, id340b, ce_id, content_hash, stream_version, is_current, as_of from entity_registry';

export const countEntities = `select count(*) filter (where is_current)::int as current,
  count(*) filter (where not is_current)::int as removed from entity_registry`;

/** The entities of some stream versions (an ingest's current states, an upcast's previous ones); a removal has none. */
export const readEntityStates = `select e.stream_id, e.stream_version, e.data->'entity' as entity
  from unnest($1::text[], $2::int[]) as wanted(stream_id, stream_version)
  join events e using (stream_id, stream_version)
  where e.data->'entity' is not null`;

export const discardAppended = 'delete from events where global_position > $1 and stream_id = any($2)';

export const appendSnapshotIngested = `insert into events (${newEventColumns.join(', ')})
  values ($1, 1, $2, 'SnapshotIngested', $3, $4, $5, $6) returning global_position, recorded_at`;

export const insertSnapshot = `insert into snapshots (as_of, sha256, global_position, source, counts, data_quality, duration_ms)
  values ($1, $2, $3, $4, $5, $6, $7) returning ingested_at`;

export const registryChangesTable = 'registry_changes';
export const registryChangeColumns = [
  'stream_id',
  'id340b',
  'ce_id',
  'content_hash',
  'stream_version',
  'is_current',
  'as_of',
] as const;
export const elementHashChangesTable = 'element_hash_changes';
export const elementHashChangeColumns = ['stream_id', 'raw_hash', 'layout_free_hash'] as const;
/** The registry stage (write-registry.ts): gone with the transaction, committed or not. */
export const createRegistryStage = [
  `create temp table ${registryChangesTable} (like entity_registry) on commit drop`,
  // `recorded`: hashes recorded again for a stream replace those recorded before.
  `create temp table ${elementHashChangesTable}
    (stream_id text, raw_hash text, layout_free_hash text, recorded bigint generated always as identity) on commit drop`,
] as const;
export const forgetStagedRegistry = [
  `delete from ${registryChangesTable} where stream_id = any($1)`,
  `delete from ${elementHashChangesTable} where stream_id = any($1)`,
] as const;
/**
 * Set before the merge, in its transaction (an ingest's, or the KurrentDB
 * store's registry write): `local`, they end with it.
 */
export const registryMergeSettings = [
  // Room to sort a day 0's 90,000 staged rows in memory (the default 4 MB spills them to disk): its merge
  // 0.57 → 0.48 s (medians of 2).
  `set local work_mem = '64MB'`,
  // Statistics of a staged table from a sample of 300 rows (3–5 ms, where the default 30,000 took 0.13–0.27 s
  // of 90,000): enough to see that its stream ids are distinct (see analyzeStaged).
  'set local default_statistics_target = 1',
] as const;
/**
 * Statistics for a staged table before it is merged: without them the
 * planner takes its distinct stream ids for 200 and looks each up in the
 * registry's key, where a re-rendered day stages 90,000 hashes (with them, a
 * hash join: that day's hash merge 0.50–0.69 → 0.37–0.43 s, 3 interleaved
 * pairs; 0.62–0.95 → 0.40–0.43 s within whole ingests).
 */
export const analyzeStaged = (table: string) => `analyze ${table}`;
const stagedChanges = `select distinct on (stream_id) * from ${registryChangesTable}
  order by stream_id, stream_version desc`;
/** The latest hashes recorded per stream, of the staged ones `h` that pass `filter`. */
const stagedHashes = (filter: string) => `select distinct on (stream_id) stream_id, raw_hash, layout_free_hash
  from ${elementHashChangesTable} h where ${filter} order by stream_id, recorded desc`;
/** Whether the staged hashes `h` are of a stream with a new version staged. */
const ofChangedStream = `exists (select from ${registryChangesTable} c where c.stream_id = h.stream_id)`;
/**
 * A stream's new version and its element's hashes go in together; without hashes its old ones are kept.
 * Only the changed streams' hashes are sorted here: on a re-rendered day every element's hashes are staged
 * (90,000) beside ≈ 1,000 changes, and sorting them all twice, here and in mergeElementHashChanges, cost
 * this statement 0.17–0.22 s of PostgreSQL's CPU at the ingest's commit, where nothing else runs.
 */
export const mergeRegistryChanges = `with changes as (${stagedChanges}),
  hashes as (${stagedHashes(ofChangedStream)})
  insert into entity_registry
  select c.stream_id, c.id340b, c.ce_id, c.content_hash, c.stream_version, c.is_current, c.as_of,
    h.raw_hash, h.layout_free_hash
  from changes c left join hashes h using (stream_id)
  on conflict (stream_id) do update set
    content_hash = excluded.content_hash, stream_version = excluded.stream_version,
    is_current = excluded.is_current, as_of = excluded.as_of,
    raw_hash = coalesce(excluded.raw_hash, entity_registry.raw_hash),
    layout_free_hash = case when excluded.raw_hash is null then entity_registry.layout_free_hash
      else excluded.layout_free_hash end`;
/**
 * The hashes of streams without a new version (another layout of the same
 * content): a stream with one took its hashes in mergeRegistryChanges. Left
 * out before the sort: on day 0 every staged hash is a new stream's, and
 * sorting them all for nothing cost 0.21–0.30 s at the commit.
 */
export const mergeElementHashChanges = `with hashes as (${stagedHashes(`not ${ofChangedStream}`)})
  update entity_registry r
  set raw_hash = h.raw_hash, layout_free_hash = h.layout_free_hash
  from hashes h where r.stream_id = h.stream_id`;
