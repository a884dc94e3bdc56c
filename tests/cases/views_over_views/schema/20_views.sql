CREATE VIEW public.best_days AS SELECT sold_on, total, regions FROM public.daily_sales WHERE total > 1000;
CREATE VIEW public.daily_sales AS
    SELECT sold_on, sum(amount) AS total, count(DISTINCT region) AS regions
    FROM public.sales GROUP BY sold_on;
