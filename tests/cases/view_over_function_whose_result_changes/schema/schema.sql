CREATE TABLE public.price (id integer PRIMARY KEY, amount numeric(10, 2));
CREATE FUNCTION public.with_tax(amount numeric) RETURNS double precision LANGUAGE sql IMMUTABLE
    AS $$ SELECT (amount * 1.2)::double precision $$;
CREATE VIEW public.price_with_tax AS SELECT id, public.with_tax(amount) AS gross FROM public.price;
COMMENT ON VIEW public.price_with_tax IS 'Prices with tax.';
