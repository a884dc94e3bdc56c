CREATE FUNCTION public.f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
CREATE FUNCTION public.f(x text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT x || '!' $$;
