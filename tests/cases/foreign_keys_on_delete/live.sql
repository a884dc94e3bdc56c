CREATE TABLE public.brands (id integer PRIMARY KEY);
CREATE TABLE public.products (id integer PRIMARY KEY, brand_id integer REFERENCES public.brands (id));
