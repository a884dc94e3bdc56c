CREATE TABLE public.payments (id bigint NOT NULL, at date NOT NULL, amount numeric) PARTITION BY RANGE (at);
CREATE TABLE public.payments_2024 PARTITION OF public.payments FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
