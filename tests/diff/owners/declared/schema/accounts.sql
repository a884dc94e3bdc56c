CREATE SCHEMA billing AUTHORIZATION canon_owner_app;
CREATE TABLE public.accounts (id integer PRIMARY KEY, email text NOT NULL);
ALTER TABLE public.accounts OWNER TO canon_owner_app;
-- No owner declared: whoever owns it, canon leaves it be.
CREATE TABLE public.notes (id integer PRIMARY KEY);
CREATE FUNCTION public.account_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM public.accounts $$;
SET search_path TO public;
ALTER FUNCTION account_count OWNER TO canon_owner_app;
CREATE TABLE billing.invoices (id integer PRIMARY KEY);
ALTER TABLE billing.invoices OWNER TO canon_owner_app;
