CREATE TABLE public.new_name (id integer PRIMARY KEY);
