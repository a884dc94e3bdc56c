CREATE TABLE public.t (id integer CONSTRAINT t_pk PRIMARY KEY, n integer);
CREATE INDEX t_n_idx ON public.t (n);
COMMENT ON CONSTRAINT t_pk ON public.t IS 'key';
COMMENT ON INDEX public.t_n_idx IS 'by n';
