CREATE TABLE public.brands (id integer PRIMARY KEY);
CREATE TABLE public.categories (id integer PRIMARY KEY, parent_id integer REFERENCES public.categories (id) ON DELETE SET NULL);
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    brand_id integer REFERENCES public.brands (id) ON DELETE CASCADE,
    category_id integer REFERENCES public.categories (id) ON DELETE RESTRICT
);
CREATE INDEX products_brand_id_idx ON public.products (brand_id);
CREATE INDEX products_category_id_idx ON public.products (category_id);
