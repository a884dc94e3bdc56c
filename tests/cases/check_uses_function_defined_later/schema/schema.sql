CREATE TABLE public.t (id integer PRIMARY KEY, code text CONSTRAINT t_code_check CHECK (public.valid_code(code)));
  CREATE FUNCTION public.valid_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT c ~ '^[A-Z]{3}$' $$;
