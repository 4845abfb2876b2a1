import type pg from 'pg';
import { sqlParams } from '../api/sql-params.ts';
import type { Change } from '../events/change-detail.ts';
import { type EntityEventType, entityEventTypes } from '../events/event-types.ts';

/**
 * Every statement on the change feed's read model (the change_feed table,
 * docs/changes.md): the projector's look-up of a removed entity's
 * last known description, and the reads of the API, the CLI and the
 * morning report. The feed's head is the change_feed projector's
 * checkpoint, read in the same statement as the rows, so a page shorter
 * than its limit has seen everything the table holds.
 */

/** An entity's description as the feed shows it beside an event. */
export interface Description {
  entityType: string | null;
  name: string | null;
  subName: string | null;
  state: string | null;
}

export interface FeedFilter {
  types: readonly EntityEventType[];
  id340B?: string;
  ceId?: number;
  state?: string;
  entityType?: string;
  /** A changed path or an ancestor of one (`streetAddress` matches `streetAddress.zip`). */
  path?: string;
  /** Only the events of the snapshot with this global position. */
  snapshotPosition?: number;
}

/** An item of the feed, as changeItemSchema describes it. */
export interface ChangeItem {
  position: number;
  eventId: string;
  type: EntityEventType;
  id340B: string;
  ceId: number;
  asOf: string;
  /** Of the version the event made; for a removal, the entity's last known one. */
  entityType: string | null;
  name: string | null;
  subName: string | null;
  state: string | null;
  changedPaths: string[];
  /** The change detail (Changed events; empty for the others); left out when not asked for. */
  changes?: Change[];
}

export interface ChangePage {
  items: ChangeItem[];
  /** The position the feed is complete up to (its projector's checkpoint), read with the items. */
  head: number;
}

interface Row {
  head: number;
  global_position: number | null;
  event_id: string;
  event_type: EntityEventType;
  id340b: string;
  ce_id: string;
  as_of: Date;
  entity_type: string | null;
  name: string | null;
  sub_name: string | null;
  state: string | null;
  changed_paths: string[];
  /** JSON text. */
  changes?: string | null;
}

const itemColumns = `f.global_position, f.event_id, f.event_type, f.id340b, f.ce_id, f.as_of,
  f.entity_type, f.name, f.sub_name, f.state, f.changed_paths`;

/** The last known description of each given entity (those the feed has seen), keyed `id340b\0ceId`. */
export async function readLastKnown(
  client: pg.ClientBase,
  keys: ReadonlyArray<{ id340b: string; ceId: string }>,
): Promise<Map<string, Description>> {
  const { rows } = await client.query<{
    id340b: string;
    ce_id: string;
    entity_type: string | null;
    name: string | null;
    sub_name: string | null;
    state: string | null;
  }>(
    `select k.id340b, k.ce_id, f.entity_type, f.name, f.sub_name, f.state
       from unnest($1::text[], $2::text[]) as k(id340b, ce_id)
       cross join lateral (
         select entity_type, name, sub_name, state from change_feed f
          where f.id340b = k.id340b and f.ce_id = k.ce_id
          order by f.global_position desc limit 1) f`,
    [keys.map((key) => key.id340b), keys.map((key) => key.ceId)],
  );
  return new Map(
    rows.map((row) => [
      `${row.id340b}\u0000${row.ce_id}`,
      { entityType: row.entity_type, name: row.name, subName: row.sub_name, state: row.state },
    ]),
  );
}

/**
 * One page of the feed after a position, in global order. Each filter maps
 * onto an index of the change_feed table; `detail` adds each event's
 * change detail.
 */
export async function readChangeFeedPage(
  pool: pg.Pool,
  after: number,
  limit: number,
  filter: FeedFilter,
  detail: boolean,
): Promise<ChangePage> {
  const { values, param } = sqlParams(after, limit);
  const conditions = ['f.global_position > $1', 'f.global_position <= h.head'];
  if (filter.types.length < entityEventTypes.length)
    conditions.push(`f.event_type = any(${param(filter.types)}::text[])`);
  if (filter.id340B !== undefined) conditions.push(`f.id340b = ${param(filter.id340B)}`);
  if (filter.ceId !== undefined) conditions.push(`f.ce_id = ${param(String(filter.ceId))}`);
  if (filter.state !== undefined) conditions.push(`f.state = ${param(filter.state)}`);
  if (filter.entityType !== undefined) conditions.push(`f.entity_type = ${param(filter.entityType)}`);
  if (filter.path !== undefined) conditions.push(`f.path_index @> array[${param(filter.path)}]::text[]`);
  if (filter.snapshotPosition !== undefined)
    conditions.push(`f.snapshot_position = ${param(filter.snapshotPosition)}`);

  const { rows } = await pool.query<Row>(
    `with h as (${headQuery})
     select h.head, page.* from h left join lateral (
       select ${itemColumns}${detail ? ', f.changes' : ''} from change_feed f
        where ${conditions.join(' and ')}
        order by f.global_position limit $2) page on true
      order by page.global_position`,
    values,
  );
  const items: ChangeItem[] = [];
  for (const row of rows) if (row.global_position !== null) items.push(itemOf(row, detail));
  return { items, head: rows[0]?.head ?? 0 };
}

/** Every entity event of one snapshot (by its SnapshotIngested position), with its change detail, in global order. */
export async function readSnapshotChanges(pool: pg.Pool, snapshotPosition: number): Promise<ChangeItem[]> {
  const { rows } = await pool.query<Row>(
    `select 0 as head, ${itemColumns}, f.changes from change_feed f
      where f.snapshot_position = $1 order by f.global_position`,
    [snapshotPosition],
  );
  return rows.map((row) => itemOf(row, true));
}

/** The position up to which the change feed is complete (0 before its projector ran). */
export async function readFeedHead(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ head: number }>(headQuery);
  return rows[0]?.head ?? 0;
}

const headQuery = `select coalesce(max(position), 0)::bigint as head from projector_checkpoints where projector = 'change_feed'`;

function itemOf(row: Row, detail: boolean): ChangeItem {
  return {
    position: Number(row.global_position),
    eventId: row.event_id,
    type: row.event_type,
    id340B: row.id340b,
    ceId: Number(row.ce_id),
    asOf: row.as_of.toISOString(),
    entityType: row.entity_type,
    name: row.name,
    subName: row.sub_name,
    state: row.state,
    changedPaths: row.changed_paths,
    ...(detail ? { changes: row.changes ? (JSON.parse(row.changes) as Change[]) : [] } : {}),
  };
}
