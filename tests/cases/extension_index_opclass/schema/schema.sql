CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE public.t (id integer, name text);
CREATE INDEX t_name_trgm ON public.t USING gin (name gin_trgm_ops);
