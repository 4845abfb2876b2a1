-- GET /changes, `opais changes` and the reports read the change_feed read
-- model (ddl/0007_projections_change_feed.sql), and no query of the event
-- store filters its events by as-of, by id340B or by state, so these three
-- indexes served nothing while every ingest kept them up to date: on a
-- full-scale day 0, 90,000 entries each, two of them computed from the
-- event's jsonb (docs/performance.md, session 10).
drop index if exists events_entity_id340b_idx;
drop index if exists events_entity_state_idx;
drop index if exists events_as_of_idx;
