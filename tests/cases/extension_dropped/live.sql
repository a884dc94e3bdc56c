CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE public.t (id integer);
