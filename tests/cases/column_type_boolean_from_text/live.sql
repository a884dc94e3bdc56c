CREATE TABLE public.t (id integer PRIMARY KEY, flag text);
