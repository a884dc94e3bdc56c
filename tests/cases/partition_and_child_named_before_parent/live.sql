CREATE TABLE public.keep (id bigint PRIMARY KEY);
