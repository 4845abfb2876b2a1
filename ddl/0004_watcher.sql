-- What `opais watch` did with each S3 object it saw, so that a restarted
-- watcher neither repeats an object nor skips one. An object is its
-- (bucket, key, etag): the same key overwritten is a new object.
create table watched_objects (
  bucket text not null,
  key text not null,
  etag text not null,
  as_of timestamptz not null,
  -- applied | already-applied: done; refused: a permanent error (malformed,
  -- as-of not later, mass removal), not retried; failed: a transient error,
  -- retried on the next round.
  outcome text not null check (outcome in ('applied', 'already-applied', 'refused', 'failed')),
  error_code text,
  error_message text,
  attempts integer not null default 1,
  sha256 text,
  global_position bigint,
  first_seen_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (bucket, key, etag)
);

-- The validators of the last export `opais fetch` stored, per URL, for the
-- next conditional request (If-None-Match / If-Modified-Since), and its
-- SHA-256 so that a server ignoring those headers still does not get the
-- same export stored twice.
create table fetch_state (
  url text primary key,
  etag text,
  last_modified text,
  sha256 text not null,
  stored_at text not null,
  fetched_at timestamptz not null
);
