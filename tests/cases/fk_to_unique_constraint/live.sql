CREATE TABLE public.p (id integer PRIMARY KEY, code text);
CREATE TABLE public.c (id integer PRIMARY KEY, code text);
