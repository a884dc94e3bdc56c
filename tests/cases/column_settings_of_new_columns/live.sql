CREATE TABLE public.documents (id integer PRIMARY KEY);
