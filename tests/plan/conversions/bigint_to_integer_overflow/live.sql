CREATE TABLE public.counters (name text NOT NULL UNIQUE, hits bigint);
INSERT INTO public.counters VALUES ('home', 10), ('api', 3000000000), ('feed', 4000000000);
