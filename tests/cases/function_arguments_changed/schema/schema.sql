CREATE FUNCTION public.f(x integer, y integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + y $$;
