-- A CHECK on the parent reaches every partition; the partitions' copies follow it.
CREATE TABLE public.payments (
    id bigint NOT NULL,
    at date NOT NULL,
    amount numeric,
    CONSTRAINT payments_amount_positive CHECK (amount > 0)
) PARTITION BY RANGE (at);
CREATE TABLE public.payments_2024 PARTITION OF public.payments FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.payments_2025 PARTITION OF public.payments FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
