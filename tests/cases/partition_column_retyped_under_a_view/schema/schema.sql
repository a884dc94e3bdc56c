CREATE TABLE public.measurement (
    taken_on date NOT NULL,
    station varchar(20) NOT NULL,
    value numeric(6, 2)
) PARTITION BY RANGE (taken_on);
CREATE TABLE public.measurement_2025 PARTITION OF public.measurement
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE VIEW public.stations_2025 AS SELECT DISTINCT station FROM public.measurement_2025;
COMMENT ON VIEW public.stations_2025 IS 'Reads one partition directly.';
