CREATE TABLE public.old_name (id integer PRIMARY KEY);
