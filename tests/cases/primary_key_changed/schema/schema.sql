CREATE TABLE public.t (id integer NOT NULL, code text PRIMARY KEY);
