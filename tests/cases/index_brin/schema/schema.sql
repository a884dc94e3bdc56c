CREATE TABLE public.t (id integer PRIMARY KEY, at timestamptz);
CREATE INDEX t_at_idx ON public.t USING brin (at);
