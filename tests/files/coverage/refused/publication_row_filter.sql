-- refused at line 3: canon does not manage row filters and column lists of publications
CREATE TABLE public.orders (id integer PRIMARY KEY, total numeric);
CREATE PUBLICATION big_orders FOR TABLE public.orders WHERE (total > 1000);
