CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE MATERIALIZED VIEW public.mv AS SELECT region, sum(amount) AS total FROM public.sales GROUP BY region;
CREATE INDEX mv_total_idx ON public.mv (total);
