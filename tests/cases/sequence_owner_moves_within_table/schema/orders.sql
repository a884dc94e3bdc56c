CREATE SEQUENCE public.orders_old_ref_seq AS integer;
CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    ref integer NOT NULL DEFAULT nextval('public.orders_old_ref_seq'),
    note text
);
ALTER SEQUENCE public.orders_old_ref_seq OWNED BY public.orders.ref;
