CREATE TABLE public.t (id integer PRIMARY KEY, price numeric, qty integer);
