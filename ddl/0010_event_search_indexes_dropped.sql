-- GET /entities?q=… reads the entity_search read model
-- (ddl/0009_projections_entity_search.sql) now, so the event store no longer
-- carries indexes for it: each one cost every ingest its upkeep.
drop index if exists events_entity_name_search_idx;
drop index if exists entity_registry_id340b_prefix_idx;
