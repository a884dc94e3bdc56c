CREATE TABLE public.t (id integer PRIMARY KEY, a text);
CREATE UNIQUE INDEX t_a_key ON public.t (a);
