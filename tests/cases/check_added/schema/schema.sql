CREATE TABLE public.t (id integer PRIMARY KEY, qty integer CONSTRAINT t_qty_check CHECK (qty >= 0));
