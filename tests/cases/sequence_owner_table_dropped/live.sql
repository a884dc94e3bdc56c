CREATE TABLE public.t (id serial PRIMARY KEY);
CREATE TABLE public.keep (id integer PRIMARY KEY);
