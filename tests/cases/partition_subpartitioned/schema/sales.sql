-- A partition that is itself partitioned: it needs both its bound and its own key.
CREATE TABLE public.sales (id bigint NOT NULL, at date NOT NULL, region text NOT NULL, amount numeric) PARTITION BY RANGE (at);
CREATE TABLE public.sales_2023 PARTITION OF public.sales FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.sales_2024 PARTITION OF public.sales FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY LIST (region);
CREATE TABLE public.sales_2024_eu PARTITION OF public.sales_2024 FOR VALUES IN ('eu');
CREATE TABLE public.sales_2024_other PARTITION OF public.sales_2024 DEFAULT;
ALTER TABLE public.sales ADD PRIMARY KEY (id, at, region);
CREATE INDEX sales_region ON public.sales (region);
