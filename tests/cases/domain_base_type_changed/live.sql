CREATE DOMAIN public.money2 AS numeric(10,2);
CREATE TABLE public.t (id integer PRIMARY KEY, m public.money2);
