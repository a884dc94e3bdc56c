CREATE TABLE public.t (id integer PRIMARY KEY, price numeric, qty integer, total numeric GENERATED ALWAYS AS (price * qty) STORED);
