CREATE TABLE public.orders (id bigint PRIMARY KEY, old_ref serial, note text);
