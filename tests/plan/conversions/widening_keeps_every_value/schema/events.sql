CREATE TABLE public.events (id bigint PRIMARY KEY, code text, payload jsonb, total numeric(12,2), eu integer);
