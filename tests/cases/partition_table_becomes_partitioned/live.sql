CREATE TABLE public.m (id integer NOT NULL, at date NOT NULL, v text);
