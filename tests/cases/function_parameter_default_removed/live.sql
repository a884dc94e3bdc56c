CREATE FUNCTION public.discount(amount numeric, pct numeric DEFAULT 10) RETURNS numeric
    LANGUAGE sql IMMUTABLE RETURN amount * (1 - pct / 100);
CREATE TABLE public.offers (id bigint PRIMARY KEY, price numeric DEFAULT public.discount(100, 5));
