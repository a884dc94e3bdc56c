CREATE TABLE public.shops (id text PRIMARY KEY);
