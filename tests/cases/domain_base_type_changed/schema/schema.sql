CREATE DOMAIN public.money2 AS numeric(14,2);
CREATE TABLE public.t (id integer PRIMARY KEY, m public.money2);
