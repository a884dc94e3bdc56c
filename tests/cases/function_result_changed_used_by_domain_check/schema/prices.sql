CREATE FUNCTION public.valid_iso(v text) RETURNS integer LANGUAGE sql IMMUTABLE RETURN length(v);
CREATE DOMAIN public.currency AS text CHECK (public.valid_iso(VALUE) = 3);
CREATE TABLE public.prices (id bigint PRIMARY KEY, cur public.currency);
