CREATE TABLE public.events (id integer PRIMARY KEY);
-- Tables the plan creates get their replica identity once their index exists.
CREATE TABLE public.tags (name text NOT NULL);
CREATE UNIQUE INDEX tags_name_key ON public.tags (name);
ALTER TABLE public.tags REPLICA IDENTITY USING INDEX tags_name_key;
CREATE TABLE public.notes (body text);
ALTER TABLE public.notes REPLICA IDENTITY FULL;
