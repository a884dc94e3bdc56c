CREATE TABLE public.events (id integer PRIMARY KEY, code text NOT NULL);
CREATE UNIQUE INDEX events_code_key ON public.events (code);
CREATE TABLE public.tags (name text NOT NULL);
CREATE TABLE public.notes (body text);
