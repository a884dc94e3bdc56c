CREATE TABLE public.settings (k text PRIMARY KEY, v text);
