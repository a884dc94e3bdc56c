CREATE TABLE public.t (id integer PRIMARY KEY, a text);
