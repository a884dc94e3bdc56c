CREATE TABLE public.log (id serial PRIMARY KEY, msg text);
