CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
