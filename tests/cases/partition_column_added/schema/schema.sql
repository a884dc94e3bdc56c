CREATE TABLE public.m (id integer NOT NULL, at date NOT NULL, v text, extra integer) PARTITION BY RANGE (at);
CREATE TABLE public.m_2024 PARTITION OF public.m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
