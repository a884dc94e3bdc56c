CREATE TABLE public.t (id integer PRIMARY KEY, s varchar(80));
