CREATE TABLE public.items (id integer PRIMARY KEY, legacy_code text, name text NOT NULL);
