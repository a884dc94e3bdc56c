CREATE FUNCTION public.next_code() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TABLE public.vouchers (id bigint PRIMARY KEY, code integer DEFAULT public.next_code());
