CREATE TYPE public.e AS ENUM ('a');
CREATE DOMAIN public.d AS integer;
CREATE SEQUENCE public.s;
