CREATE TABLE public.t (id integer PRIMARY KEY, n integer DEFAULT 1 CHECK (n > 0));
CREATE INDEX t_n_idx ON public.t (n);
