CREATE TYPE public.e AS ENUM ('a');
CREATE DOMAIN public.d AS integer;
CREATE SEQUENCE public.s;
COMMENT ON TYPE public.e IS 'an enum';
COMMENT ON DOMAIN public.d IS 'a domain';
COMMENT ON SEQUENCE public.s IS 'a sequence';
