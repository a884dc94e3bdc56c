CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer REFERENCES public.customers (id) ON DELETE CASCADE
);
