CREATE TABLE public.doc (id integer PRIMARY KEY);
CREATE TABLE public.audit (n integer);
CREATE FUNCTION public.count_new() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.audit SELECT count(*) FROM new_rows; RETURN NULL; END; $$;
CREATE TRIGGER doc_count AFTER INSERT ON public.doc REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_new();
