CREATE TABLE public.t (id integer PRIMARY KEY, a text, b text DEFAULT 'z');
INSERT INTO public.t VALUES (1, 'x', 'z'), (2, 'y', 'z');
