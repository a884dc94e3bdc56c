-- The function's result type changes, so it must be dropped and created again; the
-- default that calls it goes first and comes back after.
CREATE FUNCTION public.next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'A-1' $$;
CREATE TABLE public.vouchers (id bigint PRIMARY KEY, code text DEFAULT public.next_code());
