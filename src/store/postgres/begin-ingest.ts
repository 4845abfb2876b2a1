import type pg from 'pg';
import { advisoryLockKey } from '../../db/advisory-lock-key.ts';
import { OpaisError } from '../../errors.ts';
import { deterministicEventId } from '../../events/event-id.ts';
import {
  type CanonicalEntity,
  eventSchemaVersions,
  type SnapshotIngestedV1,
} from '../../events/event-types.ts';
import { snapshotStreamId } from '../../events/stream-names.ts';
import type { AppliedSnapshot, IngestSession, NewEntityEvent, Registry } from '../event-store.ts';
import { copyRows } from './copy-rows.ts';
import { mapSnapshot, type SnapshotRow, snapshotColumns } from './list-snapshots.ts';

/** The channel on which a commit announces its last global position (projectors and the SSE feed listen). */
export const eventsChannel = 'opais_events';

const eventColumns = [
  'stream_id',
  'stream_version',
  'event_id',
  'event_type',
  'schema_version',
  'as_of',
  'data',
  'metadata',
] as const;

interface RegistryChange {
  id340B: string;
  ceId: number;
  contentHash: string;
  streamVersion: number;
  isCurrent: boolean;
}

/**
 * One ingest as one PostgreSQL transaction. The transaction-scoped advisory
 * lock makes ingests single-writer: events get their global positions in
 * commit order (readers never skip one), and two ingests never interleave.
 * Nothing is visible before commit; a crash or abort leaves no trace.
 */
export async function beginIngest(
  pool: pg.Pool,
  options: { asOf: Date; wait?: boolean },
): Promise<IngestSession> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ schema: string }>('select current_schema() as schema');
    const lockKey = advisoryLockKey(`ingest:${rows[0]?.schema}`);
    if (options.wait === false) {
      const lock = await client.query<{ locked: boolean }>('select pg_try_advisory_xact_lock($1) as locked', [
        lockKey,
      ]);
      if (!lock.rows[0]?.locked)
        throw new OpaisError('INGEST_BUSY', 'another ingest is running; try again later');
    } else {
      await client.query('select pg_advisory_xact_lock($1)', [lockKey]);
    }
  } catch (error) {
    await client.query('rollback').catch(() => {});
    client.release();
    throw error;
  }

  const asOf = options.asOf;
  const asOfIso = asOf.toISOString();
  const snapshotStream = snapshotStreamId(asOf);
  const metadataJson = JSON.stringify({ asOf: asOfIso, snapshotStream });
  const head = await client.query<{ head: number }>(
    'select coalesce(max(global_position), 0) as head from events',
  );
  const startPosition = head.rows[0]?.head ?? 0;
  const registryChanges = new Map<string, RegistryChange>();
  let rawHashes: ReadonlyMap<string, string> = new Map();
  let finished = false;

  const finish = async (sql: 'commit' | 'rollback') => {
    if (finished) return;
    finished = true;
    try {
      await client.query(sql);
    } finally {
      client.release();
    }
  };

  const selectSnapshot = async (clause: string, values: unknown[]): Promise<AppliedSnapshot | undefined> => {
    const result = await client.query<SnapshotRow>(
      `select ${snapshotColumns} from snapshots ${clause}`,
      values,
    );
    return result.rows[0] ? mapSnapshot(result.rows[0]) : undefined;
  };

  return {
    asOf,

    lastSnapshot: () => selectSnapshot('order by as_of desc limit 1', []),

    findSnapshotBySha256: (sha256) => selectSnapshot('where sha256 = $1', [sha256]),

    async loadRegistry() {
      const result = await client.query<{
        stream_id: string;
        id340b: string;
        ce_id: number;
        content_hash: string;
        stream_version: number;
        is_current: boolean;
        raw_hash: string | null;
      }>(
        'select stream_id, id340b, ce_id, content_hash, stream_version, is_current, raw_hash from entity_registry',
      );
      const registry: Registry = new Map();
      for (const row of result.rows) {
        registry.set(row.stream_id, {
          id340B: row.id340b,
          ceId: row.ce_id,
          contentHash: row.content_hash,
          streamVersion: row.stream_version,
          isCurrent: row.is_current,
          ...(row.raw_hash ? { rawHash: row.raw_hash } : {}),
        });
      }
      return registry;
    },

    async readCurrentEntities(streams) {
      const result = await client.query<{ stream_id: string; entity: CanonicalEntity }>(
        `select e.stream_id, e.data->'entity' as entity
           from unnest($1::text[], $2::int[]) as wanted(stream_id, stream_version)
           join events e using (stream_id, stream_version)`,
        [streams.map((stream) => stream.streamId), streams.map((stream) => stream.streamVersion)],
      );
      return new Map(result.rows.map((row) => [row.stream_id, row.entity]));
    },

    async append(events: readonly NewEntityEvent[]) {
      if (events.length === 0) return;
      await copyRows(
        client,
        'events',
        eventColumns,
        events.map((event) => [
          event.streamId,
          event.streamVersion,
          deterministicEventId(snapshotStream, event.streamId, event.streamVersion),
          event.type,
          eventSchemaVersions[event.type],
          asOfIso,
          event.dataJson,
          metadataJson,
        ]),
      ).catch((error: unknown) => {
        throw asConflict(error);
      });
      for (const event of events) {
        registryChanges.set(event.streamId, {
          id340B: event.id340B,
          ceId: event.ceId,
          contentHash: event.contentHash,
          streamVersion: event.streamVersion,
          isCurrent: event.type !== 'CoveredEntityRemoved',
        });
      }
    },

    async recordRawHashes(hashes) {
      rawHashes = hashes;
    },

    async discard(streamIds) {
      if (streamIds.length === 0) return;
      await client.query('delete from events where global_position > $1 and stream_id = any($2)', [
        startPosition,
        streamIds,
      ]);
      for (const streamId of streamIds) registryChanges.delete(streamId);
    },

    async commit(snapshot: SnapshotIngestedV1) {
      const inserted = await client.query<{ global_position: number }>(
        `insert into events (${eventColumns.join(', ')}) values ($1, 1, $2, 'SnapshotIngested', $3, $4, $5, $6)
         returning global_position`,
        [
          snapshotStream,
          deterministicEventId(snapshotStream, snapshotStream, 1),
          eventSchemaVersions.SnapshotIngested,
          asOfIso,
          JSON.stringify(snapshot),
          metadataJson,
        ],
      );
      const globalPosition = inserted.rows[0]?.global_position as number;
      await client.query(
        `insert into snapshots (as_of, sha256, global_position, source, counts, data_quality, duration_ms)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          asOf,
          snapshot.sha256,
          globalPosition,
          snapshot.source,
          snapshot.counts,
          JSON.stringify(snapshot.dataQuality),
          snapshot.durationMs,
        ],
      );
      await writeRegistry(client, asOfIso, registryChanges, rawHashes);
      await client.query('select pg_notify($1, $2)', [eventsChannel, String(globalPosition)]);
      await finish('commit');
      return {
        asOf,
        sha256: snapshot.sha256,
        globalPosition,
        source: snapshot.source,
        counts: snapshot.counts,
        durationMs: snapshot.durationMs,
      };
    },

    abort: () => finish('rollback'),
  };
}

/**
 * Brings the registry up to the session's events, with the raw hashes of
 * the elements seen: those of new versions go in with them, those of
 * unchanged entities (another layout of the same content) are updated alone.
 */
async function writeRegistry(
  client: pg.PoolClient,
  asOfIso: string,
  changes: Map<string, RegistryChange>,
  rawHashes: ReadonlyMap<string, string>,
): Promise<void> {
  if (changes.size > 0) {
    await client.query('create temp table registry_changes (like entity_registry) on commit drop');
    await copyRows(
      client,
      'registry_changes',
      ['stream_id', 'id340b', 'ce_id', 'content_hash', 'stream_version', 'is_current', 'as_of', 'raw_hash'],
      [...changes].map(([streamId, change]) => [
        streamId,
        change.id340B,
        change.ceId,
        change.contentHash,
        change.streamVersion,
        change.isCurrent ? 't' : 'f',
        asOfIso,
        rawHashes.get(streamId) ?? null,
      ]),
    );
    await client.query(
      `insert into entity_registry select * from registry_changes
       on conflict (stream_id) do update set
         content_hash = excluded.content_hash, stream_version = excluded.stream_version,
         is_current = excluded.is_current, as_of = excluded.as_of,
         raw_hash = coalesce(excluded.raw_hash, entity_registry.raw_hash)`,
    );
  }
  const rawOnly = [...rawHashes].filter(([streamId]) => !changes.has(streamId));
  if (rawOnly.length === 0) return;
  await client.query('create temp table raw_hash_changes (stream_id text, raw_hash text) on commit drop');
  await copyRows(client, 'raw_hash_changes', ['stream_id', 'raw_hash'], rawOnly);
  await client.query(
    'update entity_registry r set raw_hash = c.raw_hash from raw_hash_changes c where r.stream_id = c.stream_id',
  );
}

function asConflict(error: unknown): unknown {
  const pgError = error as { code?: string; detail?: string };
  return pgError.code === '23505'
    ? new OpaisError(
        'STREAM_VERSION_CONFLICT',
        `an event stream was appended to concurrently: ${pgError.detail}`,
        undefined,
        {
          cause: error,
        },
      )
    : error;
}
