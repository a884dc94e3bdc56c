CREATE TABLE public.persons (id integer PRIMARY KEY, full_name text);
