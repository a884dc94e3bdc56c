CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.summary AS SELECT region, sum(amount) AS total FROM public.sales GROUP BY region;
