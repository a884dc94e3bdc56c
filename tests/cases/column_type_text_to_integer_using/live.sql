CREATE TABLE public.t (id integer PRIMARY KEY, code text);
INSERT INTO public.t VALUES (1, '42');
