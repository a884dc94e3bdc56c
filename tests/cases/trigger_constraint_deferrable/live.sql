CREATE TABLE public.doc (id integer PRIMARY KEY, n integer);
CREATE FUNCTION public.check_n() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.n < 0 THEN RAISE EXCEPTION 'negative'; END IF; RETURN NULL; END; $$;
