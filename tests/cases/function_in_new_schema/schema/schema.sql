CREATE TABLE public.t (id integer PRIMARY KEY);
CREATE SCHEMA util;
CREATE FUNCTION util.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 2 * x $$;
