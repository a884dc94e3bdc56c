CREATE TABLE public.products (id integer PRIMARY KEY, sku text, name text NOT NULL);
CREATE UNIQUE INDEX products_sku_key ON public.products (sku) WHERE sku IS NOT NULL;
CREATE INDEX products_lower_name_idx ON public.products (lower(name));
