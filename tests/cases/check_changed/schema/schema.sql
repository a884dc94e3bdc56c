CREATE TABLE public.t (id integer PRIMARY KEY, qty integer CONSTRAINT t_qty_check CHECK (qty BETWEEN 0 AND 100));
