CREATE TABLE public.t (id integer);
CREATE VIEW public.v AS SELECT id FROM public.t;
CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
