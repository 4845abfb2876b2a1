-- The entity search's read model (GET /entities?q=): one row per entity key
-- ever seen, kept by the entity_search projector
-- (projections/entity-search-projector.ts) like the dim_* tables, rebuilt by
-- `opais rebuild` and compared by `opais verify`. It answers the search
-- whatever the event store is.
--
--   is_current                  false once the entity has been removed
--   name, sub_name, city, state  of the entity's latest version with content
--                                (for a removed entity, the version its
--                                removal ended)
--   as_of                       the as-of of that version's snapshot
create table entity_search (
  id340b text not null,
  ce_id bigint not null,
  is_current boolean not null,
  name text,
  sub_name text,
  city text,
  state text,
  as_of timestamptz not null,
  primary key (id340b, ce_id)
);

-- A 340B id by its prefix, any case.
create index entity_search_id340b_prefix_idx on entity_search (upper(id340b) text_pattern_ops);

-- Words of the name and sub-name, prefix-matched ('simple' configuration: no
-- stemming or stop words, so "of" and "st" still match).
create index entity_search_name_idx on entity_search using gin (
  to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(sub_name, ''))
);
