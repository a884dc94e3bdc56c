CREATE TABLE public.t (id integer PRIMARY KEY, a text, b date);
CREATE INDEX t_ab_idx ON public.t (a, b DESC NULLS LAST);
