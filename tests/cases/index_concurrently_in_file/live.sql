CREATE TABLE public.customers (id bigint PRIMARY KEY, email text NOT NULL, city text);
