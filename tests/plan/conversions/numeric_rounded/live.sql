CREATE TABLE public.prices (id integer PRIMARY KEY, amount numeric(10,4));
INSERT INTO public.prices VALUES (1, 19.99), (2, 19.9951), (3, 5);
