CREATE TABLE public.t (id integer PRIMARY KEY, during tstzrange);
CREATE INDEX t_during_idx ON public.t USING gist (during);
