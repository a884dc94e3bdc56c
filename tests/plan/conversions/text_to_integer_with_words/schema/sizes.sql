CREATE TABLE public.sizes (code text PRIMARY KEY, eu integer);
