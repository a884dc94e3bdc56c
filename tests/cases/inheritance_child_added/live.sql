CREATE TABLE public.base (id integer PRIMARY KEY, name text);
