CREATE DOMAIN public.code AS text;
CREATE TABLE public.t (id integer PRIMARY KEY, c public.code);
