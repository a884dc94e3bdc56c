CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, sold_on date NOT NULL, region text);
