CREATE TABLE public.city (id integer PRIMARY KEY, name varchar(60) NOT NULL);
CREATE VIEW public.city_v AS SELECT id, name FROM public.city;
CREATE FUNCTION public.cities_named(prefix text) RETURNS SETOF public.city_v LANGUAGE sql STABLE
    AS $$ SELECT * FROM public.city_v WHERE name LIKE prefix || '%' $$;
COMMENT ON FUNCTION public.cities_named(text) IS 'Returns rows of a view that is recreated.';
