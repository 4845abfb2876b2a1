-- Every export that arrives to be ingested (CLI, Lambda, watcher), so that
-- exports waiting at the same time are applied in as-of order whatever
-- order they arrived in, one whose process died can be applied by the next
-- (S3 objects: anyone may read them), and one older than the head is never
-- dropped silently: it stays here as out-of-order (opais status, metrics).
create table export_inbox (
  id bigint generated always as identity primary key,
  -- What names the export: a local path or s3://bucket/key, and the
  -- object's version or ETag where there is one ('' otherwise).
  source text not null,
  source_version text not null default '',
  as_of timestamptz not null,
  -- pending: waiting to be applied; applied | already-applied: done;
  -- out-of-order: its as-of is not later than the head's (nothing applied);
  -- failed: an error, see error_code (a retry makes it pending again).
  state text not null check (state in ('pending', 'applied', 'already-applied', 'out-of-order', 'failed')),
  -- The backend of the process waiting to apply it (pid and start, so a
  -- reused pid is not mistaken for it); a pending export without a live
  -- waiter is up for whoever ingests next, if it can read the source.
  waiter_pid integer,
  waiter_started timestamptz,
  sha256 text,
  global_position bigint,
  head_as_of timestamptz,
  error_code text,
  error_message text,
  arrived_at timestamptz not null default now(),
  settled_at timestamptz,
  unique (source, source_version, as_of)
);
create index export_inbox_pending_idx on export_inbox (as_of) where state = 'pending';
