CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE MATERIALIZED VIEW public.mv AS SELECT region, sum(amount) AS total, count(*) AS n FROM public.sales GROUP BY region;
CREATE UNIQUE INDEX mv_region_idx ON public.mv (region);
