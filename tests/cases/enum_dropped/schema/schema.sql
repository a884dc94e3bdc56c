CREATE TABLE public.person (id integer PRIMARY KEY);
