alter table "public"."accounts" add column "status" text;

UPDATE public.accounts SET status = 'active' WHERE status IS NULL;

alter table "public"."accounts" alter column "status" set not null;
