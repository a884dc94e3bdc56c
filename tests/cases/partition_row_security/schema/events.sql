-- Row security on the partitioned table, and on partitions read directly.
CREATE TABLE public.events (id bigint NOT NULL, tenant text NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_tenant ON public.events USING (tenant = current_user);

CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE public.events_2024 ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.events_2025 ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.events_2025 FORCE ROW LEVEL SECURITY;
CREATE POLICY events_2025_tenant ON public.events_2025 USING (tenant = current_user);
