CREATE TABLE public.products (id integer PRIMARY KEY, name varchar(10));
