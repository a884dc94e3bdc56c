CREATE TABLE public.config (k text PRIMARY KEY, v text);
