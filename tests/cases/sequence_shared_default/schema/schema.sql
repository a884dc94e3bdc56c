CREATE SEQUENCE public.ids;
CREATE TABLE public.a (id bigint PRIMARY KEY DEFAULT nextval('public.ids'));
CREATE TABLE public.b (id bigint PRIMARY KEY DEFAULT nextval('public.ids'));
