CREATE TABLE public.sale (id integer PRIMARY KEY, region varchar(30) NOT NULL, amount numeric(10, 2));
CREATE MATERIALIZED VIEW public.sale_by_region AS
    SELECT region, sum(amount) AS total, count(*) AS sales FROM public.sale GROUP BY region;
CREATE UNIQUE INDEX sale_by_region_region ON public.sale_by_region (region);
CREATE INDEX sale_by_region_total ON public.sale_by_region (total DESC);
COMMENT ON MATERIALIZED VIEW public.sale_by_region IS 'Totals per region.';
COMMENT ON COLUMN public.sale_by_region.total IS 'Sum of amounts.';
COMMENT ON INDEX public.sale_by_region_region IS 'For REFRESH CONCURRENTLY.';
GRANT SELECT ON public.sale_by_region TO PUBLIC;
CREATE VIEW public.top_regions AS SELECT region FROM public.sale_by_region WHERE total > 100;
