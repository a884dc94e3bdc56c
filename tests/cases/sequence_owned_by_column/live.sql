CREATE TABLE public.t (id integer PRIMARY KEY);
CREATE SEQUENCE public.t_id_seq;
