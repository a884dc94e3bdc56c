CREATE TABLE public.t (a integer NOT NULL, b integer NOT NULL);
