CREATE DOMAIN public.qty AS integer;
CREATE TABLE public.t (id integer PRIMARY KEY, q public.qty);
