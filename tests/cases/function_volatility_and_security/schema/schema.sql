CREATE FUNCTION public.f(x integer) RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT x + 1 $$;
