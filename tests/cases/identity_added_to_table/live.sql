CREATE TABLE public.t (name text);
