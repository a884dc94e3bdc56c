-- The foreign key moves from a plain table to a partitioned one, which PostgreSQL 15
-- cannot give a NOT VALID foreign key.
CREATE TABLE public.customers (id bigint PRIMARY KEY);
CREATE TABLE public.orders (
    id bigint NOT NULL,
    at date NOT NULL,
    customer_id bigint REFERENCES public.customers ON DELETE CASCADE
) PARTITION BY RANGE (at);
CREATE TABLE public.orders_2024 PARTITION OF public.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.order_notes (id bigint PRIMARY KEY, customer_id bigint);
