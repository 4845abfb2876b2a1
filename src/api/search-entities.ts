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

/**
 * Each lookup considers at most this many candidates. A word as common as
 * "health" matches a large share of all entities; past this many matches the
 * answer is a sample of them anyway, and a longer query narrows it.
 */
const maxCandidates = 1000;

/**
 * Entities whose 340B id starts with the query or whose latest name (and
 * sub-name) holds words starting with each of the query's words. Id matches
 * come first, then current entities before removed ones. Both lookups are
 * index scans of the entity_search read model
 * (ddl/0009_projections_entity_search.sql), so the answer is the same
 * whatever the event store is, and as current as its projector.
 */
export async function searchEntities(pool: pg.Pool, q: string, limit: number): Promise<EntityMatch[]> {
  const prefix = id340BPrefix(q);
  const words = nameQuery(q);
  if (prefix === undefined && words === undefined) return [];
  const { values, param } = sqlParams(limit);
  const branches: string[] = [];
  if (prefix !== undefined) {
    branches.push(
      `(select id340b, ce_id, 0 as rank from entity_search where upper(id340b) like ${param(prefix)} limit ${maxCandidates})`,
    );
  }
  if (words !== undefined) {
    branches.push(`(select id340b, ce_id, 1 as rank from entity_search
        where to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(sub_name, '')) @@ to_tsquery('simple', ${param(words)})
        limit ${maxCandidates})`);
  }
  const { rows } = await pool.query<Row>(
    `with matches as (
       select id340b, ce_id, min(rank) as rank from (${branches.join(' union all ')}) m group by id340b, ce_id
     )
     select s.id340b, s.ce_id, s.is_current, s.as_of, s.name, s.sub_name, s.city, s.state
       from matches m join entity_search s using (id340b, ce_id)
      order by m.rank, s.is_current desc, s.id340b, s.ce_id
      limit $1`,
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
