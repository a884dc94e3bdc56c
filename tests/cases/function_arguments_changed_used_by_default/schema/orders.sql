CREATE FUNCTION public.fee(n integer, rate numeric) RETURNS numeric LANGUAGE sql IMMUTABLE
    RETURN n * rate;
CREATE TABLE public.orders (id bigint PRIMARY KEY, fee numeric DEFAULT public.fee(1, 2.0));
