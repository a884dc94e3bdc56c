CREATE TABLE public.doc (id integer PRIMARY KEY, body text, updated_at timestamptz, version integer DEFAULT 0);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); NEW.version := NEW.version + 1; RETURN NEW; END; $$;
CREATE TRIGGER doc_touch BEFORE UPDATE ON public.doc FOR EACH ROW EXECUTE FUNCTION public.touch();
