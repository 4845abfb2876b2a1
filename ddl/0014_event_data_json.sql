-- An event's data is stored as json (its text, checked to be JSON), no longer
-- jsonb (a binary tree built on the way in and serialised again on the way
-- out). Nothing queries the store by the content of its events since
-- ddl/0013 (the read models answer those questions), and the two
-- conversions were PostgreSQL's largest costs on a full-scale day 0: COPY
-- of its 90,000 events 6.7 s into jsonb against 4.2 s into json, and the
-- projections' read of them 2.8 s out of jsonb against 0.9 s out of json
-- (docs/performance.md, session 11). The events are now kept as written,
-- byte for byte; their JSON values are unchanged.
alter table events alter column data type json using data::json;
do $$
begin
  alter table events alter column data set compression lz4;
exception when feature_not_supported then null;
end $$;
