CREATE TABLE public.t (id integer PRIMARY KEY, qty integer);
