CREATE TABLE public.t (id integer PRIMARY KEY, lo integer, hi integer);
