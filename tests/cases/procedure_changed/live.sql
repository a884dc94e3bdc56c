CREATE TABLE public.log (id serial PRIMARY KEY, msg text);
CREATE PROCEDURE public.note(m text) LANGUAGE sql AS $$ INSERT INTO public.log (msg) VALUES (m) $$;
