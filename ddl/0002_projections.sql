-- The SCD type-2 tables of the data contract
-- (docs/data-contract.md#projected-tables-scd-type-2), their projectors'
-- checkpoints and the dim_pharmacy projector's working state.
--
-- Files named NNNN_projections*.sql hold only projection objects: `opais
-- rebuild` and `opais verify` replay them into a scratch schema, so they must
-- not touch the event store's tables.
--
-- Common columns of every dim_* table, around the contract columns:
--   row_id            surrogate key (differs between a live table and a rebuild)
--   effective_stp     as-of (UTC, no zone) of the snapshot that made the version
--   expiration_stp    as-of of the snapshot that ended it, 9999-12-31 23:59:59 while current
--   event_position    global position of the event that produced the version
--   snapshot_as_of    the as-of of that event's snapshot
--   expired_position  global position of the event that ended the version
-- The checks make the database refuse a zero-length or inverted version and a
-- current flag that disagrees with the expiration; the partial unique index
-- allows one current version per key (NULLS NOT DISTINCT: PostgreSQL 15+).
--
-- Two indexes per table, no more: each one costs about a second of a
-- full-scale day-0 projection (COPY of dim_ce_contract_pharmacy's 450k rows:
-- 2.2 s bare, 3.6 s with these two, 5.8 s with two more). The primary key on
-- row_id is append-only, so it is the cheap one; `opais history`, which reads
-- expired versions too, scans the tables (a rare, interactive query).

create table dim_ce (
  row_id bigint generated always as identity primary key,
  id340b text not null,
  ce_id text not null,
  entity_type text,
  name text,
  subname text,
  participating_flg text check (participating_flg in ('Y', 'N')),
  participating_start_stp timestamp,
  termination_stp timestamp,
  termination_reason text,
  grant_number text,
  cert_decert_stp timestamp,
  edit_stp timestamp,
  auth_official_name text,
  auth_official_title text,
  auth_official_phone_number text,
  primary_contact_name text,
  primary_contact_title text,
  primary_contact_phone_number text,
  primary_contact_phone_ext text,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
create unique index dim_ce_current_key on dim_ce (id340b, ce_id) where current_version_flg = 'Y';

create table dim_ce_medicaid_numbers (
  row_id bigint generated always as identity primary key,
  id340b text not null,
  ce_id text not null,
  medicaid_number text,
  state text,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
create unique index dim_ce_medicaid_numbers_current_key on dim_ce_medicaid_numbers (id340b, ce_id, medicaid_number, state)
  nulls not distinct where current_version_flg = 'Y';

create table dim_npi (
  row_id bigint generated always as identity primary key,
  id340b text not null,
  ce_id text not null,
  npi text,
  state text,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
create unique index dim_npi_current_key on dim_npi (id340b, ce_id, npi, state)
  nulls not distinct where current_version_flg = 'Y';

create table dim_ce_street_address (
  row_id bigint generated always as identity primary key,
  id340b text not null,
  ce_id text not null,
  address_line1 text,
  address_line2 text,
  address_line3 text,
  city text,
  state text,
  zip text,
  zip4 text,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
create unique index dim_ce_street_address_current_key on dim_ce_street_address (id340b, ce_id)
  where current_version_flg = 'Y';

create table dim_ce_billing_address (
  row_id bigint generated always as identity primary key,
  id340b text not null,
  ce_id text not null,
  organization text,
  address_line1 text,
  address_line2 text,
  address_line3 text,
  city text,
  state text,
  zip text,
  zip4 text,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
create unique index dim_ce_billing_address_current_key on dim_ce_billing_address (id340b, ce_id)
  where current_version_flg = 'Y';

create table dim_ce_shipping_address (
  row_id bigint generated always as identity primary key,
  id340b text not null,
  ce_id text not null,
  is_340b_street_address_flg text check (is_340b_street_address_flg in ('Y', 'N')),
  address_line1 text,
  address_line2 text,
  address_line3 text,
  city text,
  state text,
  zip text,
  zip4 text,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
-- The key is every column of the contract, some of them nullable.
create unique index dim_ce_shipping_address_current_key on dim_ce_shipping_address
  (id340b, ce_id, is_340b_street_address_flg, address_line1, address_line2, address_line3, city, state, zip, zip4)
  nulls not distinct where current_version_flg = 'Y';

create table dim_ce_contract_pharmacy (
  row_id bigint generated always as identity primary key,
  id340b text not null,
  ce_id text not null,
  contract_id text not null,
  pharmacy_id text,
  name text,
  address_line1 text,
  address_line2 text,
  address_city text,
  address_state text,
  address_zip text,
  phone_number text,
  begin_stp timestamp,
  termination_stp timestamp,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
create unique index dim_ce_contract_pharmacy_current_key on dim_ce_contract_pharmacy (id340b, ce_id, contract_id)
  where current_version_flg = 'Y';

create table dim_pharmacy (
  row_id bigint generated always as identity primary key,
  pharmacy_id text not null,
  name text,
  address_line1 text,
  address_line2 text,
  address_city text,
  address_state text,
  address_zip text,
  phone_number text,
  effective_stp timestamp not null,
  expiration_stp timestamp not null default '9999-12-31 23:59:59',
  current_version_flg text not null default 'Y',
  change_type text not null check (change_type in ('INSERT', 'UPDATE', 'DELETE')),
  event_position bigint not null,
  snapshot_as_of timestamptz not null,
  expired_position bigint,
  check (expiration_stp > effective_stp),
  check ((current_version_flg = 'Y') = (expiration_stp = '9999-12-31 23:59:59'))
);
create unique index dim_pharmacy_current_key on dim_pharmacy (pharmacy_id) where current_version_flg = 'Y';

-- The dim_pharmacy projector's own state: every contract of every current
-- entity that names a pharmacy, with the editDate that picks the contract
-- supplying the pharmacy's columns. dim_ce_contract_pharmacy cannot serve:
-- editDate is not among its columns, and it is another projector's table.
create table dim_pharmacy_sources (
  id340b text not null,
  ce_id text not null,
  contract_id text,
  pharmacy_id text not null,
  edit_stp timestamp,
  name text,
  address_line1 text,
  address_line2 text,
  address_city text,
  address_state text,
  address_zip text,
  phone_number text,
  event_position bigint not null
);
create index dim_pharmacy_sources_entity_idx on dim_pharmacy_sources (id340b, ce_id);
create index dim_pharmacy_sources_pharmacy_idx on dim_pharmacy_sources (pharmacy_id);

-- One row per projector, written in the same transaction as its rows.
-- `position` is the global position of the last SnapshotIngested applied;
-- `error*` name the event a projector could not apply (it stays at `position`).
create table projector_checkpoints (
  projector text primary key,
  position bigint not null default 0,
  as_of timestamptz,
  updated_at timestamptz not null default now(),
  error text,
  error_position bigint,
  error_at timestamptz
);
