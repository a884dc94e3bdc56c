-- A partition key cannot be changed: the table would have to be rebuilt by hand.
CREATE FUNCTION public.bucket(v bigint) RETURNS bigint LANGUAGE sql IMMUTABLE RETURN v % 4;
CREATE TABLE public.readings (id bigint NOT NULL, value numeric) PARTITION BY LIST (public.bucket(id));
CREATE TABLE public.readings_0 PARTITION OF public.readings FOR VALUES IN (0);
