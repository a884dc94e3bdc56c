CREATE TABLE public.t (id integer PRIMARY KEY);
CREATE PUBLICATION canon_case_pub FOR TABLE public.t;
