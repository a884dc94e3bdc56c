CREATE TABLE public.t (id integer PRIMARY KEY, amount numeric(8,2));
