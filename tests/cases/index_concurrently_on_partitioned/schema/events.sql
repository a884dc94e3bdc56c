CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- PostgreSQL cannot build an index on a partitioned table concurrently; the file still
-- declares one, and canon builds it the way PostgreSQL allows.
CREATE INDEX CONCURRENTLY events_kind ON public.events (kind);
