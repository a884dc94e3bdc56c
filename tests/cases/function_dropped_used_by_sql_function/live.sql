CREATE FUNCTION public.base_rate() RETURNS numeric LANGUAGE sql IMMUTABLE RETURN 1.25;
CREATE FUNCTION public.price(n integer) RETURNS numeric LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT n * public.base_rate();
END;
CREATE TABLE public.quotes (id bigint PRIMARY KEY, qty integer, total numeric DEFAULT public.price(1));
