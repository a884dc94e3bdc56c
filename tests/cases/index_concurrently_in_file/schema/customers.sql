CREATE TABLE public.customers (id bigint PRIMARY KEY, email text NOT NULL, city text);

-- Written from habit: the keyword says how to build it, not what exists.
CREATE INDEX CONCURRENTLY customers_city ON public.customers (city);
