CREATE TABLE public.a (id integer PRIMARY KEY, b_id integer);
CREATE TABLE public.b (id integer PRIMARY KEY, a_id integer);
