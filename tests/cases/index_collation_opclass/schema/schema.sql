CREATE TABLE public.t (id integer PRIMARY KEY, a text);
CREATE INDEX t_a_pattern_idx ON public.t (a text_pattern_ops);
CREATE INDEX t_a_c_idx ON public.t (a COLLATE "C");
