CREATE TABLE public.t (id bigserial PRIMARY KEY);
