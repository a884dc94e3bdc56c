CREATE TABLE public.t (id integer PRIMARY KEY, a text);
INSERT INTO public.t VALUES (1, 'x'), (2, 'y');
