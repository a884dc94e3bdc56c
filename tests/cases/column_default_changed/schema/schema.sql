CREATE TABLE public.t (id integer PRIMARY KEY, status text DEFAULT 'open');
