CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE VIEW public.v AS SELECT id, amount FROM public.sales WHERE amount > 0 WITH CHECK OPTION;
