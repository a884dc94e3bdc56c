CREATE TABLE public.audit (at timestamptz DEFAULT now(), note text);
CREATE FUNCTION public.log_note(note text) RETURNS void LANGUAGE sql
    AS $$ INSERT INTO public.audit (note) VALUES (note) $$;
