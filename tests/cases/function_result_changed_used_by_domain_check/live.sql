CREATE FUNCTION public.valid_iso(v text) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN length(v) = 3;
CREATE DOMAIN public.currency AS text CHECK (public.valid_iso(VALUE));
CREATE TABLE public.prices (id bigint PRIMARY KEY, cur public.currency);
