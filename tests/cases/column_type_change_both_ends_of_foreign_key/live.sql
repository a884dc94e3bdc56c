CREATE TABLE public.stores (code text PRIMARY KEY, name text);
CREATE TABLE public.shelves (id bigint PRIMARY KEY, store_code text REFERENCES public.stores ON DELETE CASCADE);
