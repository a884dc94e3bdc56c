CREATE TABLE public.keep (id integer);
