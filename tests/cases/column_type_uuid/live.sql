CREATE TABLE public.t (id integer PRIMARY KEY, ref text);
