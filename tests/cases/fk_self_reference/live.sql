CREATE TABLE public.node (id integer PRIMARY KEY, parent_id integer);
