CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    net numeric(12, 2) NOT NULL,
    vat numeric(12, 2) NOT NULL,
    gross numeric(12, 2) GENERATED ALWAYS AS (net + vat) STORED,
    CONSTRAINT orders_gross_positive CHECK (gross >= 0)
);
CREATE INDEX orders_gross ON public.orders (gross);
CREATE VIEW public.big_orders AS SELECT id, gross FROM public.orders WHERE gross > 1000;
