CREATE TABLE public.t (id integer PRIMARY KEY);
CREATE FUNCTION public.f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
