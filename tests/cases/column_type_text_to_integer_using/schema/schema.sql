CREATE TABLE public.t (id integer PRIMARY KEY, code integer);
INSERT INTO public.t VALUES (1, 42);
