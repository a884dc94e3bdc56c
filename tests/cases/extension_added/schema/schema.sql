CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE public.t (id integer, email public.citext);
