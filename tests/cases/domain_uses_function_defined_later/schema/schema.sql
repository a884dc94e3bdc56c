CREATE DOMAIN public.sku AS text CHECK (public.valid_sku(VALUE));
CREATE FUNCTION public.valid_sku(v text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT length(v) = 8 $$;
CREATE TABLE public.t (id integer PRIMARY KEY, s public.sku);
