CREATE FUNCTION public.f(x integer) RETURNS bigint LANGUAGE sql AS $$ SELECT x::bigint $$;
