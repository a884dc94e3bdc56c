CREATE TABLE public.sales (id bigint NOT NULL, at date NOT NULL, region text NOT NULL, amount numeric) PARTITION BY RANGE (at);
CREATE TABLE public.sales_2023 PARTITION OF public.sales FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
