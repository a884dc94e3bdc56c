-- The identity goes and a plain default takes its place: the identity must go first.
CREATE TABLE public.codes (id integer DEFAULT 0 PRIMARY KEY, name text);
CREATE TABLE public.slots (n bigint NOT NULL DEFAULT -1, at date);
