CREATE TABLE public.t (id integer PRIMARY KEY, n integer DEFAULT 5);
