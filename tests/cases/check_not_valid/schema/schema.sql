CREATE TABLE public.t (id integer PRIMARY KEY, qty integer);
ALTER TABLE public.t ADD CONSTRAINT t_qty_positive CHECK (qty > 0) NOT VALID;
