CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.v1 AS SELECT id, amount, region FROM public.sales;
CREATE VIEW public.v2 AS SELECT id, amount, region FROM public.v1;
CREATE VIEW public.v3 AS SELECT id, region FROM public.v2;
