-- The change feed's read model, and the index behind the pharmacy page.
--
-- The change feed's read model: one row per entity event, kept by the
-- change_feed projector (projections/change-feed-projector.ts) like the dim_*
-- tables, rebuilt by `opais rebuild` and compared by `opais verify`. It
-- answers the API's feed filters, the CLI's `opais changes` and the morning
-- report (docs/changes.md) whatever the event store is.
--
--   event_id, stream_version            the event's id and the version it gave its stream
--   entity_type, name, sub_name, state  of the version the event made; for a
--                                        removal, of the version it ended (the
--                                        entity's last known state)
--   changed_paths                       the event's changedPaths
--   path_index                          changed_paths and every ancestor of
--                                        each (streetAddress.zip also gives
--                                        streetAddress), for `path=` filters
--   changes                             the event's change detail (null for
--                                        a registration or a removal): JSON
--                                        text as written, in the events'
--                                        member order (jsonb would reorder it;
--                                        json has no equality, which verify's
--                                        row comparison needs)
create table change_feed (
  global_position bigint primary key,
  event_id uuid not null,
  event_type text not null
    check (event_type in ('CoveredEntityRegistered', 'CoveredEntityChanged', 'CoveredEntityRemoved')),
  id340b text not null,
  ce_id text not null,
  stream_version integer not null,
  as_of timestamptz not null,
  snapshot_position bigint not null,
  entity_type text,
  name text,
  sub_name text,
  state text,
  changed_paths text[] not null,
  path_index text[] not null,
  changes text
);
create index change_feed_entity_idx on change_feed (id340b, ce_id, global_position);
create index change_feed_state_idx on change_feed (state, global_position);
create index change_feed_entity_type_idx on change_feed (entity_type, global_position);
create index change_feed_type_idx on change_feed (event_type, global_position);
create index change_feed_snapshot_idx on change_feed (snapshot_position, global_position);
create index change_feed_path_idx on change_feed using gin (path_index);

-- GET /pharmacies/:pharmacyId: every contract version that names a pharmacy.
create index dim_ce_contract_pharmacy_pharmacy_idx on dim_ce_contract_pharmacy (pharmacy_id);
