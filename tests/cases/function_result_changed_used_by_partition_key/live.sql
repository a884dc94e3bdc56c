CREATE FUNCTION public.bucket(v bigint) RETURNS integer LANGUAGE sql IMMUTABLE RETURN (v % 4)::integer;
CREATE TABLE public.readings (id bigint NOT NULL, value numeric) PARTITION BY LIST (public.bucket(id));
CREATE TABLE public.readings_0 PARTITION OF public.readings FOR VALUES IN (0);
