-- Data contract 1.1 (docs/projections.md): dim_ce keeps the entity's
-- medicareProviderNumber, dim_ce_shipping_address keeps each address's
-- organization (two addresses differing only by it were one row before), and
-- the shipping table's key, all its columns, takes the new one in.
--
-- The rows already projected lack the new columns, and the events kept every
-- member: the two tables are emptied and their projectors set back to the
-- start, so the next catch-up (`opais project`, an ingest, or `opais rebuild`
-- at once) fills them by replaying the log. Left as they were, the next
-- snapshot would read an address with an organization as a new key and end
-- the old one. In a rebuild's fresh schema there is nothing to empty or reset.

alter table dim_ce add column medicare_provider_number text;

alter table dim_ce_shipping_address add column organization text;
drop index dim_ce_shipping_address_current_key;
create unique index dim_ce_shipping_address_current_key on dim_ce_shipping_address
  (id340b, ce_id, organization, is_340b_street_address_flg, address_line1, address_line2, address_line3, city, state, zip, zip4)
  nulls not distinct where current_version_flg = 'Y';

truncate dim_ce, dim_ce_shipping_address;
update projector_checkpoints
   set position = 0, as_of = null, updated_at = now(), error = null, error_position = null, error_at = null
 where projector in ('dim_ce', 'dim_ce_shipping_address');
