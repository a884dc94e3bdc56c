CREATE TABLE public.t (id integer PRIMARY KEY, "Mixed Case" text NOT NULL DEFAULT 'x', "select" integer);
