CREATE TABLE public.t (id integer PRIMARY KEY, qty integer CONSTRAINT t_qty_positive CHECK (qty > 0));
