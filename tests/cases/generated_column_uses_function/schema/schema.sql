CREATE TABLE public.t (id integer PRIMARY KEY, name text, slug text GENERATED ALWAYS AS (public.slugify(name)) STORED);
  CREATE FUNCTION public.slugify(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(replace(v, ' ', '-')) $$;
