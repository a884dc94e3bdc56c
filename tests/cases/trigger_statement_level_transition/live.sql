CREATE TABLE public.doc (id integer PRIMARY KEY);
CREATE TABLE public.audit (n integer);
CREATE FUNCTION public.count_new() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.audit SELECT count(*) FROM new_rows; RETURN NULL; END; $$;
