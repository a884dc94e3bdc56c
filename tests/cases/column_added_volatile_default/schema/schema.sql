CREATE TABLE public.t (id integer PRIMARY KEY, a text, token uuid DEFAULT gen_random_uuid());
