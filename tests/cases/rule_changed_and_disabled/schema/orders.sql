CREATE TABLE public.orders (id integer PRIMARY KEY, total numeric NOT NULL);
CREATE TABLE public.orders_archive (id integer PRIMARY KEY, total numeric NOT NULL);
CREATE RULE orders_archive_on_delete AS ON DELETE TO public.orders
    DO ALSO INSERT INTO public.orders_archive VALUES (OLD.id, OLD.total * 1);
CREATE RULE orders_no_update AS ON UPDATE TO public.orders DO INSTEAD NOTHING;
ALTER TABLE public.orders DISABLE RULE orders_no_update;
