-- The parent's unique index stays; one partition gets a named key backed by it.
CREATE TABLE public.clicks (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.clicks_2024 PARTITION OF public.clicks FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.clicks_2025 PARTITION OF public.clicks FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.clicks_2024 ADD CONSTRAINT clicks_2024_key UNIQUE (id, at);
CREATE UNIQUE INDEX clicks_id_at ON public.clicks (id, at);
