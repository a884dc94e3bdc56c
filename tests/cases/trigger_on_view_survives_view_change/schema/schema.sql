CREATE TABLE public.doc (id integer PRIMARY KEY, body text);
CREATE VIEW public.doc_v AS SELECT id, body, length(body) AS size FROM public.doc;
CREATE FUNCTION public.doc_v_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.doc VALUES (NEW.id, NEW.body); RETURN NEW; END; $$;
CREATE TRIGGER doc_v_insert INSTEAD OF INSERT ON public.doc_v FOR EACH ROW EXECUTE FUNCTION public.doc_v_insert();
