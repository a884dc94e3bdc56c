CREATE FUNCTION public.twice(v integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN v * 2;
CREATE TABLE public.stock (
    id bigint PRIMARY KEY,
    qty integer NOT NULL,
    doubled integer GENERATED ALWAYS AS (public.twice(qty)) STORED
);
CREATE INDEX stock_doubled ON public.stock (doubled);
