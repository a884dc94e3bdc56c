CREATE TABLE public.t (id integer PRIMARY KEY, note text DEFAULT 'it''s; DROP TABLE t; --');
