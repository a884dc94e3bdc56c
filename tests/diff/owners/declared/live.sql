CREATE TABLE public.accounts (id integer PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.notes (id integer PRIMARY KEY);
CREATE FUNCTION public.account_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM public.accounts $$;
