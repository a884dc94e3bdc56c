CREATE TABLE public.t (id integer PRIMARY KEY, qty integer, CONSTRAINT t_qty CHECK (qty > 0) NO INHERIT);
