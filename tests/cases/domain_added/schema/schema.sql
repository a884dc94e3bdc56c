CREATE DOMAIN public.email AS text CHECK (VALUE ~ '@');
CREATE TABLE public.t (id integer PRIMARY KEY, email public.email);
