CREATE TABLE public.keep (id bigint PRIMARY KEY);
-- Partitions and children whose names sort before their parents'.
CREATE TABLE public.zz_events (id bigint NOT NULL, at date NOT NULL, note text) PARTITION BY RANGE (at);
CREATE TABLE public.aa_events_2024 PARTITION OF public.zz_events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE public.aa_events_2024 ENABLE ROW LEVEL SECURITY;
CREATE TABLE public.zz_documents (id bigint, title text);
CREATE TABLE public.aa_invoices (amount numeric) INHERITS (public.zz_documents);
ALTER TABLE public.aa_invoices ENABLE ROW LEVEL SECURITY;
CREATE INDEX aa_invoices_amount ON public.aa_invoices (amount);
