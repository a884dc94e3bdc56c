CREATE TABLE public.t (id integer PRIMARY KEY, sku text, active boolean);
CREATE UNIQUE INDEX t_sku_idx ON public.t (sku) WHERE sku IS NOT NULL;
