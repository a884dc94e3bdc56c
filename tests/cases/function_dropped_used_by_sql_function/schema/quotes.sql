-- Both functions go; the one whose body calls the other must go first.
CREATE TABLE public.quotes (id bigint PRIMARY KEY, qty integer, total numeric DEFAULT 1.25);
