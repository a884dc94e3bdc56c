CREATE TABLE public.t (id integer PRIMARY KEY, note text DEFAULT 'plain');
