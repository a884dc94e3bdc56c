CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.sales WITH NO DATA;
