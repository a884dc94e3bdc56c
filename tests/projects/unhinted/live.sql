CREATE TABLE public.persons (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO public.persons VALUES (1, 'Ann');
