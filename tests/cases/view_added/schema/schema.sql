CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.big_sales AS SELECT id, amount FROM public.sales WHERE amount > 100;
