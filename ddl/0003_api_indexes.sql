-- Indexes behind the change-feed API's filters and entity search (src/api/).
-- Read paths only: nothing here changes what the event store holds. Each
-- partial index covers the entity events only (SnapshotIngested has no
-- entity), and the API's queries repeat these predicates literally.

-- GET /changes?id340B=…: one entity's events in global order.
create index events_entity_id340b_idx on events ((data->>'id340B'), global_position)
  where event_type in ('CoveredEntityRegistered', 'CoveredEntityChanged', 'CoveredEntityRemoved');

-- GET /changes?state=…: the state of the street address of the version an event made.
create index events_entity_state_idx on events ((data #>> '{entity,streetAddress,state}'), global_position)
  where event_type in ('CoveredEntityRegistered', 'CoveredEntityChanged');

-- GET /entities?q=…: words of the name and sub-name, prefix-matched ('simple'
-- configuration: no stemming or stop words, so "of" and "st" still match).
create index events_entity_name_search_idx on events using gin (
  to_tsvector('simple', coalesce(data #>> '{entity,name}', '') || ' ' || coalesce(data #>> '{entity,subName}', ''))
) where event_type in ('CoveredEntityRegistered', 'CoveredEntityChanged');

-- GET /entities?q=…: a 340B id by its prefix, any case.
create index entity_registry_id340b_prefix_idx on entity_registry (upper(id340b) text_pattern_ops);
