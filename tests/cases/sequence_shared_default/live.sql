CREATE SEQUENCE public.ids;
CREATE TABLE public.a (id bigint PRIMARY KEY DEFAULT nextval('public.ids'));
