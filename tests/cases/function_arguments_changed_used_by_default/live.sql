CREATE FUNCTION public.fee(n integer) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN n * 1.5;
CREATE TABLE public.orders (id bigint PRIMARY KEY, fee numeric DEFAULT public.fee(1));
