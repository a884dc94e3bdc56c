-- canon plan
-- format: 1
-- canon-version: 0.1.0
-- schema-digest: 0
-- live-fingerprint: 0
-- server-version: 150018
-- hazards: none

create table "shop"."returns" ("id" bigint primary key, "order_id" bigint not null);

create index "returns_order" on "shop"."returns" ("order_id");

alter table "shop"."orders" add constraint "orders_note_present" check (note is not null) not valid;

-- step 2 of 4: own transaction
alter table "shop"."orders" validate constraint "orders_note_present";

-- step 3 of 4: one transaction
alter table "shop"."orders" alter column "note" set not null;

-- added by the reviewer
alter table "shop"."orders" alter column "status"
    set not null;

create index "orders_status" on "shop"."orders" ("status");

alter table "shop"."orders" add column "token" uuid default gen_random_uuid();

alter table "shop"."orders" add column "seen" timestamptz default now();

-- step 4 of 4: outside a transaction
create index concurrently "orders_note" on "shop"."orders" ("note");
