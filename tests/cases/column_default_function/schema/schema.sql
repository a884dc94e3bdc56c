CREATE TABLE public.t (id integer PRIMARY KEY, created_at timestamptz DEFAULT now());
