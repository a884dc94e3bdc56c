CREATE TABLE public.metrics (at timestamptz NOT NULL, value double precision) PARTITION BY RANGE (at);
CREATE TABLE public.metrics_old PARTITION OF public.metrics FOR VALUES FROM ('2020-01-01') TO ('2024-01-01');
CREATE TABLE public.metrics_2024 PARTITION OF public.metrics FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
