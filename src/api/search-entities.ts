import type pg from 'pg';
import { sqlParams } from './sql-params.ts';

export interface EntityMatch {
  id340B: string;
  ceId: number;
  current: boolean;
  name: string | null;
  subName: string | null;
  city: string | null;
  state: string | null;
  /** As-of of the entity's latest version that has content. */
  asOf: string;
}

interface Row {
  id340b: string;
  ce_id: number;
  is_current: boolean;
  name: string | null;
  sub_name: string | null;
  city: string | null;
  state: string | null;
  as_of: Date;
}

/** The words of a query as a prefix-matching tsquery; only letters and digits survive, so no tsquery syntax gets in. */
export function nameQuery(q: string): string | undefined {
  const words = (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((word) => `${word.slice(0, 64)}:*`);
  return words.length === 0 ? undefined : words.join(' & ');
}

/** A LIKE pattern for a 340B id prefix, when the query could be one (letters, digits and '-': no LIKE wildcards). */
export function id340BPrefix(q: string): string | undefined {
  const trimmed = q.trim();
  return /^[A-Za-z0-9-]{2,64}$/.test(trimmed) ? `${trimmed.toUpperCase()}%` : undefined;
}

// The version of a stream that last had content: the latest one, or the one before a removal.
const latestContentVersion = (alias: string) =>
  `case when ${alias}.is_current then ${alias}.stream_version else ${alias}.stream_version - 1 end`;

/**
 * Each lookup considers at most this many candidates. A word as common as
 * "health" matches half of all entity versions, and reading them all took
 * 0.1-0.9 s; past this many matches the answer is a sample of them anyway,
 * and a longer query narrows it.
 */
const maxCandidates = 1000;

/**
 * Entities whose 340B id starts with the query or whose latest name (and
 * sub-name) holds words starting with each of the query's words. Id matches
 * come first, then current entities before removed ones. Both lookups are
 * index scans (ddl/0003_api_indexes.sql); names and places are read only for
 * the few entities returned.
 */
export async function searchEntities(pool: pg.Pool, q: string, limit: number): Promise<EntityMatch[]> {
  const prefix = id340BPrefix(q);
  const words = nameQuery(q);
  if (prefix === undefined && words === undefined) return [];
  const { values, param } = sqlParams(limit);
  const branches: string[] = [];
  if (prefix !== undefined) {
    branches.push(
      `(select r.stream_id, 0 as rank from entity_registry r where upper(r.id340b) like ${param(prefix)} limit ${maxCandidates})`,
    );
  }
  if (words !== undefined) {
    // Only a stream's latest version with content counts: a name it no longer has does not find it.
    branches.push(`select e.stream_id, 1 as rank from (
        select e.stream_id, e.stream_version from events e
         where e.event_type in ('CoveredEntityRegistered', 'CoveredEntityChanged')
           and to_tsvector('simple', coalesce(e.data #>> '{entity,name}', '') || ' ' || coalesce(e.data #>> '{entity,subName}', ''))
               @@ to_tsquery('simple', ${param(words)})
         limit ${maxCandidates}
      ) e
      -- A lookup per candidate by the registry's key; the planner otherwise hashes the whole registry.
      cross join lateral (select r.* from entity_registry r where r.stream_id = e.stream_id limit 1) r
      where e.stream_version = ${latestContentVersion('r')}`);
  }
  const { rows } = await pool.query<Row>(
    `with matches as (
       select stream_id, min(rank) as rank from (${branches.join(' union all ')}) m group by stream_id
     ), top as (
       select m.rank, r.* from matches m join entity_registry r using (stream_id)
        order by m.rank, r.is_current desc, r.id340b, r.ce_id limit $1
     )
     select t.id340b, t.ce_id, t.is_current, v.as_of,
            v.data #>> '{entity,name}' as name, v.data #>> '{entity,subName}' as sub_name,
            v.data #>> '{entity,streetAddress,city}' as city, v.data #>> '{entity,streetAddress,state}' as state
       from top t join events v on v.stream_id = t.stream_id and v.stream_version = ${latestContentVersion('t')}
      order by t.rank, t.is_current desc, t.id340b, t.ce_id`,
    values,
  );
  return rows.map((row) => ({
    id340B: row.id340b,
    ceId: row.ce_id,
    current: row.is_current,
    name: row.name,
    subName: row.sub_name,
    city: row.city,
    state: row.state,
    asOf: row.as_of.toISOString(),
  }));
}
