-- The foreign key now points at a partitioned table.
CREATE TABLE public.accounts (id bigint PRIMARY KEY);
CREATE TABLE public.ledger (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE public.ledger_2024 PARTITION OF public.ledger FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.ledger_2025 PARTITION OF public.ledger FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.receipts (
    id bigint PRIMARY KEY,
    entry_id bigint,
    entry_at date,
    CONSTRAINT receipts_entry FOREIGN KEY (entry_id, entry_at) REFERENCES public.ledger
);
