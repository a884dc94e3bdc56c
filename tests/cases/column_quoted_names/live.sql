CREATE TABLE public.t (id integer PRIMARY KEY, "Mixed Case" text);
