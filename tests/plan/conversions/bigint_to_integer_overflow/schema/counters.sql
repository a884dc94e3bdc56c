CREATE TABLE public.counters (name text NOT NULL UNIQUE, hits integer);
