CREATE TABLE public.t (id integer PRIMARY KEY, a text, b integer NOT NULL DEFAULT 7);
