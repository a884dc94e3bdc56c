-- Scratch partitions need no WAL: one becomes unlogged, a new one is created unlogged.
CREATE TABLE public.metrics (at timestamptz NOT NULL, value double precision) PARTITION BY RANGE (at);
CREATE UNLOGGED TABLE public.metrics_old PARTITION OF public.metrics FOR VALUES FROM ('2020-01-01') TO ('2024-01-01');
CREATE TABLE public.metrics_2024 PARTITION OF public.metrics FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE UNLOGGED TABLE public.metrics_2025 PARTITION OF public.metrics FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
