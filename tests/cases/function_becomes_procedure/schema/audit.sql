CREATE TABLE public.audit (at timestamptz DEFAULT now(), note text);
CREATE PROCEDURE public.log_note(note text) LANGUAGE sql
    AS $$ INSERT INTO public.audit (note) VALUES (note) $$;
