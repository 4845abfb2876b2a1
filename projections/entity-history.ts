import type pg from 'pg';
import type { Change } from '../src/events/change-detail.ts';
import { entityStreamId } from '../src/events/stream-names.ts';
import type { EventStoreReader } from '../src/store/event-store.ts';
import { entityTables } from './tables/entity-tables.ts';

export interface HistoryEvent {
  position: number;
  type: string;
  asOf: string;
  streamVersion: number;
  changedPaths: string[];
  /** A change's detail (absent for the other types). */
  changes?: Change[];
}

export interface TableVersions {
  table: string;
  keyColumns: string[];
  /** Every version, oldest first, its columns in table order; timestamps as ISO text, surrogate key left out. */
  versions: Record<string, unknown>[];
}

export interface EntityHistory {
  id340B: string;
  ceId: number;
  streamId: string;
  events: HistoryEvent[];
  tables: TableVersions[];
}

/** An entity's timeline: its events with their changed paths and changes, and every version it has in the seven per-entity tables. */
export async function entityHistory(
  database: { pool: pg.Pool; store: EventStoreReader },
  id340B: string,
  ceId: number,
): Promise<EntityHistory> {
  const { pool } = database;
  const streamId = entityStreamId(id340B, ceId);
  const events = await database.store.readStream(streamId, { detail: true });
  const tables: TableVersions[] = [];
  for (const spec of entityTables) {
    const { rows } = await pool.query<{ version: Record<string, unknown> }>(
      `select row_to_json(t) as version from ${spec.table} t
        where id340b = $1 and ce_id = $2 order by effective_stp, row_id`,
      [id340B, String(ceId)],
    );
    tables.push({
      table: spec.table,
      keyColumns: spec.columns.slice(0, spec.keyLength),
      versions: rows.map(({ version: { row_id: _rowId, ...version } }) => version),
    });
  }
  return {
    id340B,
    ceId,
    streamId,
    events: events.map((event) => ({
      position: event.globalPosition,
      type: event.type,
      asOf: event.asOf,
      streamVersion: event.streamVersion,
      ...(event.type === 'CoveredEntityChanged'
        ? { changedPaths: event.data.changedPaths, changes: event.data.changes }
        : { changedPaths: [] }),
    })),
    tables,
  };
}
