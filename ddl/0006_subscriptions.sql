-- Change webhooks (docs/webhooks.md): who wants which changes, where each
-- subscriber has got to in the log, and the last delivery attempts.
--
-- `cursor` is the global position up to which the subscriber has the
-- matching changes (a batch is acknowledged by a 2xx; the cursor moves in the
-- same statement that logs the delivery). `status`: active, paused (by a
-- user), failing (set after repeated failures; still retried, with backoff).
-- The counters only grow: they are what Prometheus scrapes.
create table subscriptions (
  id bigint generated always as identity primary key,
  url text not null check (url ~ '^https?://'),
  secret text not null,
  filter jsonb not null default '{}',
  status text not null default 'active' check (status in ('active', 'paused', 'failing')),
  cursor bigint not null,
  created_at timestamptz not null default now(),
  consecutive_failures integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  deliveries_total bigint not null default 0,
  failures_total bigint not null default 0,
  items_delivered_total bigint not null default 0
);

-- One row per attempt, the latest 100 per subscription kept.
create table subscription_deliveries (
  id bigint generated always as identity primary key,
  subscription_id bigint not null references subscriptions (id) on delete cascade,
  attempted_at timestamptz not null default now(),
  first_position bigint not null,
  last_position bigint not null,
  items integer not null,
  attempt integer not null,
  outcome text not null check (outcome in ('delivered', 'failed')),
  http_status integer,
  error text,
  latency_ms integer not null
);
create index subscription_deliveries_latest on subscription_deliveries (subscription_id, id desc);
