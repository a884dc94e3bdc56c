CREATE TABLE public.p (a integer, b integer, PRIMARY KEY (a, b));
CREATE TABLE public.c (id integer PRIMARY KEY, a integer, b integer);
