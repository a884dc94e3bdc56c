CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.v AS SELECT string_agg(region, ',' ORDER BY region) AS regions FROM public.sales;
