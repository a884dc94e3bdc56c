CREATE TABLE public.t (id integer PRIMARY KEY, a text, b text, CONSTRAINT t_a_key UNIQUE (a));
