-- Both ends of the key become uuid; in between, text and uuid cannot be compared.
CREATE TABLE public.stores (code uuid PRIMARY KEY, name text);
CREATE TABLE public.shelves (id bigint PRIMARY KEY, store_code uuid REFERENCES public.stores ON DELETE CASCADE);
