CREATE TABLE public.t (id integer PRIMARY KEY, a text, b text);
CREATE INDEX t_a_idx ON public.t (a);
