import type { CopyCell } from '../src/store/postgres/copy-rows.ts';
import { deferIndexesWhileEmpty } from './deferred-indexes.ts';
import type { Projector } from './projector.ts';
import type { EntityChange } from './read-entity-changes.ts';

/** A registered or changed entity's row: its latest content, current. */
const upsertContent = `insert into entity_search (id340b, ce_id, is_current, name, sub_name, city, state, as_of)
  select id340b, ce_id, true, name, sub_name, city, state, $7
    from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
      as c(id340b, ce_id, name, sub_name, city, state)
  on conflict (id340b, ce_id) do update set is_current = true, name = excluded.name,
    sub_name = excluded.sub_name, city = excluded.city, state = excluded.state, as_of = excluded.as_of`;

/** A removal keeps the description of the version it ended. */
const markRemoved = `update entity_search s set is_current = false
  from unnest($1::text[], $2::bigint[]) as r(id340b, ce_id)
  where s.id340b = r.id340b and s.ce_id = r.ce_id`;

/**
 * The entity search's read model (ddl/0009_projections_entity_search.sql):
 * one row per entity key, its latest name and place. Each snapshot gives a
 * stream at most one change (its end state), so a row is written at most
 * once per snapshot.
 */
export const entitySearchProjector: Projector = {
  name: 'entity_search',
  begin(batch, writes) {
    // Its primary key decides the upsert, so an empty table (which no upsert can conflict in) takes COPY instead.
    const indexes = deferIndexesWhileEmpty(writes, 'entity_search');
    return {
      async apply(changes) {
        const content = changes.filter((change) => change.entity !== undefined);
        if (content.length > 0 && (await indexes.empty)) {
          writes.copy('entity_search', copyColumns, (write) => {
            for (const change of content) write(copyRow(change, batch.asOf));
          });
        } else if (content.length > 0) {
          const described = content.map(describe);
          writes.query(upsertContent, [
            content.map((change) => change.key.id340b),
            content.map((change) => change.key.ceId),
            described.map((entity) => entity.name),
            described.map((entity) => entity.subName),
            described.map((entity) => entity.city),
            described.map((entity) => entity.state),
            batch.asOf,
          ]);
        }
        const removed = changes.filter((change) => change.entity === undefined);
        if (removed.length > 0) {
          writes.query(markRemoved, [
            removed.map((change) => change.key.id340b),
            removed.map((change) => change.key.ceId),
          ]);
        }
      },
      finish: () => indexes.restore(),
    };
  },
};

const copyColumns = ['id340b', 'ce_id', 'is_current', 'name', 'sub_name', 'city', 'state', 'as_of'];

function copyRow(change: EntityChange, asOf: string): CopyCell[] {
  const { name, subName, city, state } = describe(change);
  return [change.key.id340b, change.key.ceId, 't', name, subName, city, state, asOf];
}

function describe(change: EntityChange) {
  const entity = change.entity as Record<string, unknown>;
  const address = entity.streetAddress;
  const place = typeof address === 'object' && address !== null ? (address as Record<string, unknown>) : {};
  return {
    name: textOrNull(entity.name),
    subName: textOrNull(entity.subName),
    city: textOrNull(place.city),
    state: textOrNull(place.state),
  };
}

/** As PostgreSQL's `#>>` reads a JSON member: a string as it is, any other value as its JSON text. */
function textOrNull(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
