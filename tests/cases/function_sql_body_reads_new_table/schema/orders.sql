CREATE TABLE public.settings (k text PRIMARY KEY, v text);
-- A SQL-standard body is resolved when created: the table must exist first; removed,
-- the function must go before the table.
CREATE TABLE public.orders (id bigint PRIMARY KEY, total numeric NOT NULL);
CREATE FUNCTION public.order_count() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM public.orders;
END;
CREATE VIEW public.order_stats AS SELECT public.order_count() AS n;
