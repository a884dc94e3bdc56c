CREATE DOMAIN public.qty AS integer NOT NULL DEFAULT 0;
CREATE TABLE public.t (id integer PRIMARY KEY, q public.qty);
