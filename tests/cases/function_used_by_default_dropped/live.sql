CREATE FUNCTION public.f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
CREATE TABLE public.t (id integer PRIMARY KEY, n integer DEFAULT public.f(1));
