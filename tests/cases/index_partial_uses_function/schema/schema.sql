CREATE TABLE public.t (id integer PRIMARY KEY, code text);
CREATE INDEX t_code_idx ON public.t (code) WHERE public.is_live(code);
CREATE FUNCTION public.is_live(c text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT c <> 'dead' $$;
