CREATE SEQUENCE public.t_id_seq;
CREATE TABLE public.t (id integer PRIMARY KEY DEFAULT nextval('public.t_id_seq'));
ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;
