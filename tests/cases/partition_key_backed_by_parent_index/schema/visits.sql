-- The partition's key comes first; the parent's unique index then adopts its index.
CREATE TABLE public.visits (id bigint NOT NULL, at date NOT NULL, page text) PARTITION BY RANGE (at);
CREATE TABLE public.visits_2024 PARTITION OF public.visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE public.visits_2024 ADD CONSTRAINT visits_2024_pkey PRIMARY KEY (id, at);
CREATE UNIQUE INDEX visits_id_at ON public.visits (id, at);
