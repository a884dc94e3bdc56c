CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.v AS SELECT id, public.tax(amount) AS tax FROM public.sales;
CREATE FUNCTION public.tax(a numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT a * 0.2 $$;
