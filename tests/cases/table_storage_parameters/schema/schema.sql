CREATE TABLE public.t (id integer PRIMARY KEY) WITH (fillfactor = 70);
