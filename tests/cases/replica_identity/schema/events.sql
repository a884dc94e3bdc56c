CREATE TABLE public.events (id integer PRIMARY KEY, code text NOT NULL);
CREATE UNIQUE INDEX events_code_key ON public.events (code);
ALTER TABLE public.events REPLICA IDENTITY USING INDEX events_code_key;
CREATE TABLE public.tags (name text NOT NULL);
ALTER TABLE public.tags REPLICA IDENTITY FULL;
CREATE TABLE public.notes (body text);
ALTER TABLE public.notes REPLICA IDENTITY NOTHING;
