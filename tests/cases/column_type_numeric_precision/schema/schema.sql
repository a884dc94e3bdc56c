CREATE TABLE public.t (id integer PRIMARY KEY, amount numeric(12,4));
