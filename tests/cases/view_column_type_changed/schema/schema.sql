CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.v AS SELECT id, amount::integer AS amount FROM public.sales;
