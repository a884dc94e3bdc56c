CREATE TABLE public.docs (id integer PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION public.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER docs_set_updated_at BEFORE UPDATE ON public.docs
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
