CREATE TABLE public.products (id integer PRIMARY KEY, sku text, name text NOT NULL);
CREATE INDEX products_name_idx ON public.products (name);
