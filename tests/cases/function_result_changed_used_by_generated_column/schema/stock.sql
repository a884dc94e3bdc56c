CREATE FUNCTION public.twice(v integer) RETURNS bigint LANGUAGE sql IMMUTABLE RETURN v * 2;
CREATE TABLE public.stock (
    id bigint PRIMARY KEY,
    qty integer NOT NULL,
    doubled bigint GENERATED ALWAYS AS (public.twice(qty)) STORED
);
CREATE INDEX stock_doubled ON public.stock (doubled);
