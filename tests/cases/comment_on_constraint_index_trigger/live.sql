CREATE TABLE public.t (id integer CONSTRAINT t_pk PRIMARY KEY, n integer);
CREATE INDEX t_n_idx ON public.t (n);
