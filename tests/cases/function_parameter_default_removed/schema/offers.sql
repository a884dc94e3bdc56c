-- CREATE OR REPLACE cannot remove a parameter default: the function is dropped and
-- created again, and the default that calls it with it.
CREATE FUNCTION public.discount(amount numeric, pct numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE RETURN amount * (1 - pct / 100);
CREATE TABLE public.offers (id bigint PRIMARY KEY, price numeric DEFAULT public.discount(100, 5));
