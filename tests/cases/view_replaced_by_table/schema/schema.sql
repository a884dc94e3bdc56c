CREATE TABLE public.sales (id integer PRIMARY KEY, amount numeric NOT NULL, region text);
CREATE TABLE public.summary (region text PRIMARY KEY, total numeric);
