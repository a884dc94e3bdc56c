CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.v AS SELECT id, amount AS total FROM public.sales;
