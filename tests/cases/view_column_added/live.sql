CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.v AS SELECT id FROM public.sales;
